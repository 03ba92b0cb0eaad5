package io.viperdb.engine.log;

import io.viperdb.engine.io.MappedRegion;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One memory mapping of a value log and the readers that hold it, so that it is unmapped as soon as it is no longer
 * needed and never while a reader may still touch it.
 *
 * <h2>The protocol</h2>
 * A reader {@link #enter() enters} before it reads the mapping and {@link #exit exits} when it has done with every
 * view of it (for a get, after the codec has decoded the value). The owner {@link #retire() retires} the mapping once
 * it has published a replacement (a larger mapping of a growing file) or once there is nothing left to read (the
 * segment was deleted, the store closed). After retirement no reader gets in, and whoever sees the mapping retired
 * with no reader inside unmaps it: the retiring thread itself when it was idle, otherwise the last reader out. Nobody
 * waits for anybody, except {@link #awaitUnmapped} (close and reclaim, which want the disk space back before they
 * return).
 *
 * <p>Why it is safe: {@code enter} increments a reader count and then reads the state; {@code retire} writes the state
 * and then reads the counts. These are all volatile accesses, so they fall in one total order, and in it either the
 * reader's read of the state comes after the retirement (the reader backs out without reading) or the retiring
 * thread's read of the counts comes after the reader's increment (and it leaves the unmapping to that reader). A
 * reader that backed out or left decrements its count and then reads the state and the counts the same way, so the
 * last one out sees them all zero. The unmap itself is claimed by one compare-and-set, so it happens once.
 *
 * <h2>The cost on the hot path</h2>
 * Two atomic additions and two volatile reads per get. The counts are striped, by thread, over cache lines of their
 * own, so readers on different cores do not contend for one line; the stripes are summed only on retirement.
 */
public final class Mapping {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    /** Longs between two stripes: 128 bytes, so that no two stripes share a cache line or an adjacent-line pair. */
    private static final int PAD = 16;
    private static final int STRIPES = stripes(Runtime.getRuntime().availableProcessors());

    private static final int LIVE = 0;
    private static final int RETIRED = 1;
    private static final int UNMAPPED = 2;
    private static final AtomicIntegerFieldUpdater<Mapping> STATE =
            AtomicIntegerFieldUpdater.newUpdater(Mapping.class, "state");

    private final MappedRegion region;
    private final ByteBuffer buffer;
    private final AtomicLongArray readers = new AtomicLongArray(STRIPES * PAD);
    private volatile int state = LIVE;

    Mapping(MappedRegion region) {
        this.region = region;
        this.buffer = region.buffer();
    }

    /** A power of two, about twice the processors (fewer collisions of threads on a stripe), at most 16. */
    static int stripes(int processors) {
        int wanted = Math.min(16, Math.max(1, 2 * processors));
        return wanted <= 1 ? 1 : Integer.highestOneBit(wanted - 1) << 1;
    }

    MappedRegion region() {
        return region;
    }

    /** The bytes mapped, from offset 0 of the file. */
    long size() {
        return region.size();
    }

    /**
     * The mapped bytes, read-only, to be read by absolute index between {@link #enter()} and {@link #exit}. Callers
     * must not change the buffer's position or limit (they take slices), and must drop every view of it by the
     * time they exit.
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Enters the mapping as a reader. If it returns true, the caller reads {@link #buffer()} and then calls
     * {@link #exit()}, on the same thread (the thread picks the reader count it changes).
     *
     * @return false if the mapping is retired: the caller must not read it, and must not call {@code exit}
     */
    public boolean enter() {
        int stripe = stripeOfThisThread();
        readers.getAndIncrement(stripe);
        if (state != LIVE) {
            leave(stripe);
            return false;
        }
        return true;
    }

    /** Leaves the mapping, on the thread that entered it; the caller then keeps no view of the buffer. */
    public void exit() {
        leave(stripeOfThisThread());
    }

    private void leave(int stripe) {
        readers.getAndDecrement(stripe);
        if (state != LIVE) {
            unmapIfIdle();
        }
    }

    /**
     * Lets no further reader in, and unmaps now if no reader is inside; otherwise the last reader out unmaps.
     * Idempotent; never waits.
     */
    void retire() {
        STATE.compareAndSet(this, LIVE, RETIRED);
        unmapIfIdle();
    }

    boolean isRetired() {
        return state != LIVE;
    }

    boolean isUnmapped() {
        return state == UNMAPPED;
    }

    private void unmapIfIdle() {
        if (state == RETIRED && idle() && STATE.compareAndSet(this, RETIRED, UNMAPPED)) {
            region.unmap();
        }
    }

    private boolean idle() {
        for (int i = 0; i < STRIPES * PAD; i += PAD) {
            if (readers.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until the mapping, retired, has been unmapped, that is until the readers inside have left; for close and
     * reclaim, which promise the address space and disk space back when they return. A reader that stays inside
     * longer than {@code timeout} (a codec that blocks while decoding) is not waited for further: the mapping is then
     * unmapped when it leaves, and a warning says so.
     */
    void awaitUnmapped(long timeout, TimeUnit unit, Object what) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (int spins = 0; !isUnmapped(); spins++) {
            if (System.nanoTime() - deadline > 0) {
                LOG.log(Level.WARNING, "A reader has held the memory mapping of {0} for more than {1} {2}; it will be "
                        + "released when that read ends", what, timeout, unit);
                return;
            }
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(Math.min(1_000_000, 1_000L << Math.min(10, spins - 100)));
            }
        }
    }

    private static int stripeOfThisThread() {
        // A thread keeps its id, so it keeps its stripe; the multiply spreads consecutive ids over the stripes.
        @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the same number.
        long id = Thread.currentThread().getId();
        int stripe = (int) ((id * 0x9E3779B97F4A7C15L) >>> 59) & (STRIPES - 1);
        return stripe * PAD;
    }
}
