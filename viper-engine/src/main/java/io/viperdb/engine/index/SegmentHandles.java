package io.viperdb.engine.index;

import io.viperdb.engine.log.Segment;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Small numbers for the segments that hold live records, so that a table slot names a segment in
 * {@value #BITS} bits. A handle counts the entries that use it and is freed with the last one, so that the directory
 * keeps no segment alive (nor its mapping) once reclaim has moved every key out of it.
 *
 * <p>Only the directory's writer calls these methods. Readers resolve handles through {@link #segments()}, an array
 * that is never changed once published: every change makes a new one, so a reader holding an older table resolves
 * that table's handles to the segments they meant when it was current.
 */
final class SegmentHandles {

    static final int BITS = 18;
    /** Handles run from 1 to this; 0 is never given, so that no live slot is all zeros. */
    static final int MAX = (1 << BITS) - 1;

    private Segment[] segments = new Segment[8];
    private int[] counts = new int[8];
    private final Map<Segment, Integer> handles = new IdentityHashMap<>();
    private int lowestFree = 1;
    private Segment lastSegment;
    private int lastHandle;

    /** Handle to segment; index 0 is unused. Never modified: replaced whenever a handle is given or freed. */
    Segment[] segments() {
        return segments;
    }

    /** A handle for {@code segment}, counted as used once more. */
    int acquire(Segment segment) {
        int handle;
        if (segment == lastSegment) {
            handle = lastHandle;
        } else {
            Integer known = handles.get(segment);
            handle = known != null ? known : assign(segment);
            lastSegment = segment;
            lastHandle = handle;
        }
        counts[handle]++;
        return handle;
    }

    /** Counts one use of {@code handle} fewer, freeing it with the last. */
    void release(int handle) {
        if (--counts[handle] == 0) {
            Segment segment = segments[handle];
            handles.remove(segment);
            Segment[] copy = segments.clone();
            copy[handle] = null;
            segments = copy;
            lowestFree = Math.min(lowestFree, handle);
            if (lastSegment == segment) {
                lastSegment = null;
            }
        }
    }

    private int assign(Segment segment) {
        int handle = lowestFree;
        while (handle < segments.length && segments[handle] != null) {
            handle++;
        }
        if (handle > MAX) {
            throw new IllegalStateException("More than " + MAX + " segments hold live keys; use larger log files");
        }
        Segment[] copy = Arrays.copyOf(segments, Math.max(segments.length, Math.min(MAX + 1, handle * 2)));
        if (handle >= counts.length) {
            counts = Arrays.copyOf(counts, copy.length);
        }
        copy[handle] = segment;
        segments = copy;
        handles.put(segment, handle);
        lowestFree = handle + 1;
        return handle;
    }
}
