package io.viperdb.engine.store;

import io.viperdb.engine.index.Place;

/**
 * What is told of each change of an index entry, under the write lock: the automatic reclaim, which keeps the live
 * bytes by these changes (see {@link LiveSpace}) and looks whether the store should reclaim. A store without it tells
 * {@link #NONE}.
 */
@FunctionalInterface
interface IndexChanges {

    /** Told nothing: no one counts the live bytes. */
    IndexChanges NONE = (before, after) -> { };

    /** The entry of a key went from {@code before} to {@code after}; either is null where there was, or is, none. */
    void replaced(Place before, Place after);
}
