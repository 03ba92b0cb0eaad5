package io.viperdb.engine.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.engine.io.MappedRegion;
import io.viperdb.engine.testing.Workers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The reader protocol of {@link Mapping}, on regions that only record when they are unmapped: no reader is ever
 * inside a region that has been unmapped, and every retired region is unmapped exactly once, by whoever leaves it
 * idle last.
 */
class MappingTest {

    /** A region that maps nothing and counts its unmaps. */
    private static final class FakeRegion implements MappedRegion {
        final AtomicInteger unmaps = new AtomicInteger();
        volatile boolean unmapped;

        @Override
        public long size() {
            return 16;
        }

        @Override
        public ByteBuffer buffer() {
            return ByteBuffer.allocate(16).asReadOnlyBuffer();
        }

        @Override
        public void unmap() {
            unmapped = true;
            unmaps.incrementAndGet();
        }
    }

    @Test
    void anIdleMappingIsUnmappedWhenRetiredAndLetsNoReaderInAfterwards() {
        FakeRegion region = new FakeRegion();
        Mapping mapping = new Mapping(region);
        assertTrue(mapping.enter());
        mapping.exit();
        assertFalse(region.unmapped, "a live mapping stays mapped when its readers leave");
        mapping.retire();
        assertTrue(region.unmapped);
        assertFalse(mapping.enter(), "retired");
        mapping.retire();
        assertEquals(1, region.unmaps.get());
    }

    @Test
    void aRetiredMappingIsUnmappedByItsLastReaderOut() {
        FakeRegion region = new FakeRegion();
        Mapping mapping = new Mapping(region);
        assertTrue(mapping.enter());
        Thread other = new Thread(() -> {
            assertTrue(mapping.enter());
            mapping.retire();
            mapping.exit();
        });
        other.start();
        join(other);
        assertFalse(region.unmapped, "a reader is still inside");
        mapping.exit();
        assertTrue(region.unmapped);
        assertEquals(1, region.unmaps.get());
    }

    @Test
    void readersRacingWithReplacementsNeverTouchAnUnmappedRegion() {
        int readers = Math.max(3, Runtime.getRuntime().availableProcessors() + 1);
        AtomicReference<Mapping> current = new AtomicReference<>(new Mapping(new FakeRegion()));
        List<FakeRegion> regions = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            threads.add(Workers.start(() -> {
                while (!stop.get()) {
                    Mapping mapping = current.get();
                    if (!mapping.enter()) {
                        continue;
                    }
                    try {
                        FakeRegion region = regionOf(mapping);
                        for (int i = 0; i < 20; i++) {
                            if (region.unmapped) {
                                throw new AssertionError("a reader is inside an unmapped region");
                            }
                        }
                        reads.incrementAndGet();
                    } finally {
                        mapping.exit();
                    }
                }
            }, failures));
        }
        long deadline = System.nanoTime() + 1_000_000_000L;
        int replacements = 0;
        while (System.nanoTime() < deadline) {
            FakeRegion next = new FakeRegion();
            regions.add(next);
            Mapping previous = current.getAndSet(new Mapping(next));
            previous.retire();
            replacements++;
        }
        stop.set(true);
        threads.forEach(MappingTest::join);
        current.get().retire();
        assertEquals(List.of(), failures);
        for (FakeRegion region : regions) {
            assertEquals(1, region.unmaps.get(), "every retired region is unmapped exactly once");
        }
        assertTrue(reads.get() > 1000 && replacements > 1000, reads + " reads, " + replacements + " replacements");
    }

    @Test
    void stripesArePowersOfTwoAndBounded() {
        assertEquals(1, Mapping.stripes(0));
        assertEquals(2, Mapping.stripes(1));
        assertEquals(4, Mapping.stripes(2));
        assertEquals(8, Mapping.stripes(3));
        assertEquals(16, Mapping.stripes(64));
    }

    private static FakeRegion regionOf(Mapping mapping) {
        return (FakeRegion) mapping.region();
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
