package io.viperdb.engine.index;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The updates that one segment's replay makes to a {@link KeyDirectory}, applied in the order given but a group at
 * a time, and on a thread of their own when there are many.
 *
 * <p>Opening a store is dominated by these updates: each is a random access to a table far larger than the caches.
 * So the keys of a group are hashed and the slots they probe first are read before any of them is applied, which
 * lets those trips to memory overlap instead of following one another. And when the key log is large and the
 * machine has more than one processor, groups are applied by a second thread while the replaying thread goes on
 * reading and checking hints and records: the two halves of the work take about as long as each other.
 *
 * <p>Keys are copied, so the caller may reuse its buffer as soon as a call returns. Used by recovery only, before
 * the store is shared: call {@link #finish()} before anything else reads or updates the directory.
 */
public final class KeyReplay {

    static final int GROUP = 32;
    static final int BATCH = 4096;
    /** Below this many bytes of key log, a second thread costs more than it saves. */
    static final long PARALLEL_FROM_BYTES = 4L << 20;

    private final KeyDirectory index;
    private final long segment;
    private final Applier applier;
    private Batch filling = new Batch();

    /**
     * Updates of {@code index} from the records of segment {@code segment}, whose key log holds {@code keyLogBytes}
     * (used to decide whether a second thread pays).
     */
    public KeyReplay(KeyDirectory index, long segment, long keyLogBytes) {
        this.index = index;
        this.segment = segment;
        this.applier = keyLogBytes >= PARALLEL_FROM_BYTES && Runtime.getRuntime().availableProcessors() > 1
                ? new Applier() : null;
    }

    /** Maps the key whose bytes are {@code bytes[keyStart, keyStart + keyLength)} to the given record. */
    public void put(ByteBuffer bytes, int keyStart, int keyLength, long offset, int length, long expiry) {
        filling.add(bytes, keyStart, keyLength, offset, length, expiry);
        if (filling.count == BATCH) {
            send();
        }
    }

    /** Removes the key whose bytes are {@code bytes[keyStart, keyStart + keyLength)}. */
    public void remove(ByteBuffer bytes, int keyStart, int keyLength) {
        put(bytes, keyStart, keyLength, -1, -1, -1);
    }

    private void send() {
        // Hashing here takes work off the applying thread. So does reading the first slot of every fourth key: the
        // lines read here are in the shared cache when that thread comes to them. (All of them made this thread,
        // which also reads and checks the logs, the slower of the two: the trips to memory are most of the work.)
        Batch batch = filling;
        long sum = 0;
        for (int i = 0; i < batch.count; i++) {
            batch.hashes[i] = KeyHash.of(batch.keys, batch.keyStarts[i], batch.keyStarts[i + 1] - batch.keyStarts[i]);
            if ((i & 3) == 0 || applier == null) {
                sum += index.touch(batch.hashes[i]);
            }
        }
        batch.touched += sum;
        if (applier == null) {
            apply(batch);
        } else {
            filling = applier.hand(batch);
        }
    }

    /** Applies every update given so far, and stops the second thread; the directory is then the caller's again. */
    public void finish() {
        send();
        if (applier != null) {
            applier.stop();
        }
    }

    /** Stops the second thread, if any, after a replay that failed: the directory is not to be used. */
    public void abandon() {
        if (applier != null) {
            try {
                applier.stop();
            } catch (RuntimeException | Error e) {
                // The replay failed already; its exception is the one to report.
            }
        }
    }

    /** Applies {@code batch} in order, {@link #GROUP} updates at a time, and empties it. */
    private void apply(Batch batch) {
        long[] hashes = batch.hashes;
        long sum = 0;
        for (int from = 0; from < batch.count; from += GROUP) {
            int to = Math.min(batch.count, from + GROUP);
            for (int i = from; i < to; i++) {
                sum += index.touch(hashes[i]);
            }
            for (int i = from; i < to; i++) {
                int start = batch.keyStarts[i];
                int keyLength = batch.keyStarts[i + 1] - start;
                if (batch.lengths[i] < 0) {
                    index.removeBytes(batch.keys, start, keyLength, hashes[i]);
                } else {
                    index.putBytes(batch.keys, start, keyLength, hashes[i], segment, batch.offsets[i],
                            batch.lengths[i], batch.expiries[i]);
                }
            }
        }
        batch.touched += sum;
        batch.count = 0;
        batch.keyBytes = 0;
    }

    /** Up to {@link #BATCH} updates, keys copied. */
    private static final class Batch {
        byte[] keys = new byte[BATCH * 24];
        int keyBytes;
        int count;
        /** keyStarts[i] is where key i starts and keyStarts[i + 1] where it ends. */
        final int[] keyStarts = new int[BATCH + 1];
        final long[] offsets = new long[BATCH];
        /** The record's length, or -1 for a delete. */
        final int[] lengths = new int[BATCH];
        final long[] expiries = new long[BATCH];
        final long[] hashes = new long[BATCH];
        /** Keeps the reads of {@link KeyDirectory#touch} from being optimized away. */
        long touched;

        void add(ByteBuffer bytes, int keyStart, int keyLength, long offset, int length, long expiry) {
            if (keyBytes + keyLength > keys.length) {
                keys = Arrays.copyOf(keys, Math.max(keys.length * 2, keyBytes + keyLength));
            }
            if (bytes.hasArray()) {
                System.arraycopy(bytes.array(), bytes.arrayOffset() + keyStart, keys, keyBytes, keyLength);
            } else {
                bytes.get(keyStart, keys, keyBytes, keyLength);
            }
            keyStarts[count] = keyBytes;
            keyBytes += keyLength;
            keyStarts[count + 1] = keyBytes;
            offsets[count] = offset;
            lengths[count] = length;
            expiries[count] = expiry;
            count++;
        }
    }

    /**
     * The second thread: takes full batches, applies them in the order handed, and gives back empty ones. Two batches
     * circulate, so the replaying thread fills one while this one applies the other.
     */
    private final class Applier implements Runnable {
        private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(1);
        private final BlockingQueue<Batch> empty = new ArrayBlockingQueue<>(1);
        private final Batch stop = new Batch();
        private final Thread thread;
        private volatile Throwable failure;

        Applier() {
            empty.add(new Batch());
            thread = new Thread(this, "viperdb-replay segment " + segment);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Batch batch = full.take();
                    if (batch == stop) {
                        return;
                    }
                    try {
                        apply(batch);
                    } catch (RuntimeException | Error e) {
                        failure = e;
                        batch.count = 0;
                        batch.keyBytes = 0;
                    }
                    empty.put(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Hands over a full batch; returns an empty one to fill. */
        Batch hand(Batch batch) {
            rethrow();
            try {
                full.put(batch);
                return empty.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while opening a store", e);
            }
        }

        /** Waits until every batch handed over is applied, and ends the thread. */
        void stop() {
            boolean interrupted = false;
            while (true) {
                try {
                    full.put(stop);
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            rethrow();
        }

        private void rethrow() {
            Throwable t = failure;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
        }
    }
}
