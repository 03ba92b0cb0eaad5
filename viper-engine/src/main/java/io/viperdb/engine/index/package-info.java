/**
 * The index: {@link KeyDirectory}, a hash table read under a sequence lock, over {@link KeyTable} and
 * {@link KeyArena}, which maps every live key to the {@link Place} of its latest record, with {@link OrderedKeys}
 * beside it for scans; {@link KeyReplay} fills it from the key logs while a store opens, and {@link IndexFile} writes
 * it to a file and maps it back (see {@link IndexBuffers}). It is a cache of
 * the logs: it holds no data that the segments do not hold, and can always be rebuilt from them. Places are named as
 * {@code engine.format} defines them.
 */
package io.viperdb.engine.index;
