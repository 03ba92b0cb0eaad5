package io.viperdb.engine.store;

import io.viperdb.StoreClosedException;
import io.viperdb.StoreIOException;
import io.viperdb.StoreReadOnlyException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Whether the store may be read and written (open or closed; read-only; refusing writes after an I/O failure), and
 * the one way to run work under the write lock: {@link #underWriteLock}, which checks that the store takes writes,
 * runs the work, and latches the first {@link StoreIOException} it throws.
 *
 * <p>After a write or sync fails with an I/O error the store refuses every further write: the tail of the active
 * segment is in an unknown state, which only recovery (closing and opening the store) resolves. Reads go on.
 *
 * <p>The write lock guards the active segment's buffers, the segment list and the index's updates; the segments take
 * the same lock for their appends.
 */
final class WriteGate {

    private final Path directory;
    private final ReentrantLock writeLock;
    /** Opened read-only: nothing is ever written (see {@link StoreOpener}). */
    private final boolean readOnly;
    private volatile boolean closed;
    /** The first write or sync that failed, after which writes are refused; never cleared. */
    private volatile StoreIOException writeFailure;

    WriteGate(Path directory, ReentrantLock writeLock, boolean readOnly) {
        this.directory = directory;
        this.writeLock = writeLock;
        this.readOnly = readOnly;
    }

    boolean readOnly() {
        return readOnly;
    }

    boolean isOpen() {
        return !closed;
    }

    /**
     * Throws {@link IllegalStateException} if this thread holds the write lock: it is inside a function that an
     * atomic operation runs under the lock (see {@link ByteStore#update}), and calls the store back. A read would
     * see the store as before the operation, a write would land before the operation's and be lost under it, and a
     * reclaim, backup, sync or close would wait for locks and threads that wait for this one; so every call is
     * refused alike.
     */
    void refuseCallFromUpdate() {
        if (writeLock.isHeldByCurrentThread()) {
            throw new IllegalStateException("Store at " + directory + " was called from inside a function given to "
                    + "compute, computeIfAbsent, computeIfPresent or merge, which runs under the store's write lock: "
                    + "such a function must not call the store");
        }
    }

    /** Throws {@link StoreClosedException} if the store is closed. */
    void ensureOpen() {
        if (closed) {
            throw new StoreClosedException(directory);
        }
    }

    /**
     * Throws {@link StoreClosedException} if the store is closed, {@link StoreReadOnlyException} if it was opened
     * read-only; {@code operation} names the write that was asked for.
     */
    void refuseIfReadOnly(String operation) {
        ensureOpen();
        if (readOnly) {
            throw new StoreReadOnlyException(directory, operation);
        }
    }

    /**
     * Throws unless the store is open, writable and no write has failed; {@code operation} names the write for the
     * message of a read-only store.
     */
    void checkWritable(String operation) {
        refuseIfReadOnly(operation);
        StoreIOException failure = writeFailure;
        if (failure != null) {
            throw new StoreIOException("Store at " + directory + " refuses writes after an I/O failure ("
                    + failure.getMessage() + "); close it and open it again to recover", failure);
        }
    }

    /**
     * Runs {@code work} under the write lock once {@link #checkWritable} passes, and returns what it returns. If it
     * throws {@link StoreIOException}, the store refuses writes from then on (see {@link #failWrites}).
     */
    <T> T underWriteLock(String operation, Supplier<T> work) {
        return Locked.get(writeLock, () -> {
            checkWritable(operation);
            try {
                return work.get();
            } catch (StoreIOException e) {
                throw failWrites(e);
            }
        });
    }

    /**
     * {@link #underWriteLock(String, Supplier)} for an append that returns its sequence number: written out, without
     * a lambda of its own or a boxed result, because every put, remove and batch takes this path.
     */
    long appendUnderWriteLock(String operation, LongSupplier append) {
        writeLock.lock();
        try {
            checkWritable(operation);
            return append.getAsLong();
        } catch (StoreIOException e) {
            throw failWrites(e);
        } finally {
            writeLock.unlock();
        }
    }

    /** {@link #underWriteLock(String, Supplier)} for work that returns nothing. */
    void underWriteLock(String operation, Runnable work) {
        underWriteLock(operation, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs {@code work} under the write lock without any check: for reads of what only changes under it, such as a
     * read across keys that must not see part of a batch.
     */
    <T> T holdingWriteLock(Supplier<T> work) {
        return Locked.get(writeLock, work);
    }

    /** {@link #holdingWriteLock(Supplier)} for work that returns nothing. */
    void holdingWriteLock(Runnable work) {
        Locked.run(writeLock, work);
    }

    /**
     * Records the first write failure, after which the store refuses writes, and returns {@code failure} to be
     * thrown. For failures outside {@link #underWriteLock}: a sync's force, which runs without the lock, and close.
     */
    StoreIOException failWrites(StoreIOException failure) {
        if (writeFailure == null) {
            writeFailure = failure;
        }
        return failure;
    }

    /** Whether a write or sync has failed since the store opened. */
    boolean writesFailed() {
        return writeFailure != null;
    }

    /**
     * Closes the gate, under the write lock: the first call runs {@code closing} (and later reads and writes throw
     * {@link StoreClosedException}), later calls do nothing.
     */
    void close(Runnable closing) {
        holdingWriteLock(() -> {
            if (closed) {
                return;
            }
            closed = true;
            closing.run();
        });
    }

    /**
     * Throws, at close, if a write or sync failed while the store was open: nothing is known of what reached the
     * device after that, so writes after the last successful sync may be lost.
     */
    void reportFailureAtClose() {
        StoreIOException failure = writeFailure;
        if (failure != null) {
            throw new StoreIOException("Store at " + directory + " was closed after an I/O failure ("
                    + failure.getMessage() + "); writes after its last successful sync may be lost", failure);
        }
    }
}
