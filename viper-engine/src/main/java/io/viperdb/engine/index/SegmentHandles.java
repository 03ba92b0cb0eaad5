package io.viperdb.engine.index;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Small numbers for the ids of the segments that hold live records, so that a table slot names a segment in
 * {@value #BITS} bits. A handle counts the entries that use it and is freed with the last one, so that handles are
 * not used up by a store that rolls and reclaims for years.
 *
 * <p>Only the directory's writer calls these methods. Readers resolve handles through {@link #ids()}, an array that
 * is never changed once published: every change makes a new one, so a reader holding an older table resolves that
 * table's handles to the segments they meant when it was current.
 */
final class SegmentHandles {

    static final int BITS = 18;
    /** Handles run from 1 to this; 0 is never given, so that no live slot is all zeros. */
    static final int MAX = (1 << BITS) - 1;
    /** The id of a handle that names no segment. */
    static final long FREE = -1;

    private long[] ids = free(8);
    private int[] counts = new int[8];
    private final Map<Long, Integer> handles = new HashMap<>();
    private int lowestFree = 1;
    private long lastId = FREE;
    private int lastHandle;

    /** Handle to segment id, {@link #FREE} where none. Never modified: replaced whenever a handle is given or freed. */
    long[] ids() {
        return ids;
    }

    /** How many entries use {@code handle}. */
    int count(int handle) {
        return counts[handle];
    }

    /** A handle for the segment {@code id}, counted as used once more. */
    int acquire(long id) {
        int handle;
        if (id == lastId) {
            handle = lastHandle;
        } else {
            Integer known = handles.get(id);
            handle = known != null ? known : assign(id);
            lastId = id;
            lastHandle = handle;
        }
        counts[handle]++;
        return handle;
    }

    /** Counts one use of {@code handle} fewer, freeing it with the last. */
    void release(int handle) {
        if (--counts[handle] == 0) {
            long id = ids[handle];
            handles.remove(id);
            long[] copy = ids.clone();
            copy[handle] = FREE;
            ids = copy;
            lowestFree = Math.min(lowestFree, handle);
            if (lastId == id) {
                lastId = FREE;
            }
        }
    }

    /** How many entries use each handle; index 0 is unused. Only the writer reads it. */
    int[] counts() {
        return counts;
    }

    /**
     * The handles of a table read from a file: handle {@code h} names segment {@code ids[h]} ({@link #FREE} for none)
     * and is used {@code counts[h]} times.
     */
    void restore(long[] ids, int[] counts) {
        this.ids = ids;
        this.counts = counts;
        handles.clear();
        for (int h = 1; h < ids.length; h++) {
            if (ids[h] != FREE) {
                handles.put(ids[h], h);
            }
        }
        lowestFree = 1;
        while (lowestFree < ids.length && ids[lowestFree] != FREE) {
            lowestFree++;
        }
        lastId = FREE;
    }

    private int assign(long id) {
        int handle = lowestFree;
        while (handle < ids.length && ids[handle] != FREE) {
            handle++;
        }
        if (handle > MAX) {
            throw new IllegalStateException("More than " + MAX + " segments hold live keys; use larger log files");
        }
        long[] copy = ids;
        if (handle >= ids.length) {
            copy = Arrays.copyOf(ids, Math.min(MAX + 1, handle * 2));
            Arrays.fill(copy, ids.length, copy.length, FREE);
            counts = Arrays.copyOf(counts, copy.length);
        } else {
            copy = ids.clone();
        }
        copy[handle] = id;
        ids = copy;
        handles.put(id, handle);
        lowestFree = handle + 1;
        return handle;
    }

    private static long[] free(int length) {
        long[] none = new long[length];
        Arrays.fill(none, FREE);
        return none;
    }
}
