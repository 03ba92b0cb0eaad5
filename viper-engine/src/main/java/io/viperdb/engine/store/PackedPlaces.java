package io.viperdb.engine.store;

/**
 * The three ways a {@link Reclaimer} packs two numbers into one {@code long}, so that it keeps and sorts the records of
 * a segment in primitive arrays, with no object per record: a record's {@link Source place} in the segment it is
 * copied from, the {@link LogOrder key} that sorts those places into log order, and the {@link Copy place of its
 * copy}. Each puts its first number in the high half and its second in the low half. An offset in a value log fits in
 * 31 bits (a value log never exceeds {@code ValueLog.MAX_SIZE}, 2^31 - 1 bytes), and so do the others, so every packed
 * {@code long} is non-negative and sorts by its high half first.
 */
final class PackedPlaces {

    private static final int HIGH_SHIFT = Integer.SIZE;
    private static final long HIGH_HALF = -1L << HIGH_SHIFT;

    private PackedPlaces() {
    }

    private static long pack(long high, int low) {
        return high << HIGH_SHIFT | low;
    }

    private static int high(long packed) {
        return (int) (packed >>> HIGH_SHIFT);
    }

    private static int low(long packed) {
        return (int) packed;
    }

    /** A record in the segment a reclaim copies from: its offset, then its length. */
    static final class Source {
        private Source() {
        }

        static long of(long offset, int length) {
            return pack(offset, length);
        }

        static int offset(long source) {
            return high(source);
        }

        static int length(long source) {
            return low(source);
        }
    }

    /**
     * A sort key for a {@link Source} place: its offset, then the index of the place in its array, so that sorting the
     * keys puts the indexes in log order.
     */
    static final class LogOrder {
        private LogOrder() {
        }

        static long of(long source, int index) {
            return source & HIGH_HALF | index;
        }

        static int index(long key) {
            return low(key);
        }
    }

    /** Where a record's copy went: the number of the output segment in the reclaim's list, then the copy's offset. */
    static final class Copy {
        private Copy() {
        }

        static long of(int output, long offset) {
            return pack(output, (int) offset);
        }

        static int output(long copy) {
            return high(copy);
        }

        static int offset(long copy) {
            return low(copy);
        }
    }
}
