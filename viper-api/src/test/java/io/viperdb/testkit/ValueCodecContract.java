package io.viperdb.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;

import io.viperdb.spi.ValueCodec;
import io.viperdb.spi.ValueCodecs;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * What every {@link ValueCodec} must do, as a test suite. A codec module runs it by extending this class and saying
 * what its codec is and which values it stores:
 *
 * <pre>{@code
 * class JsonCodecTest extends ValueCodecContract<Object> {
 *     protected ValueCodec<Object> codec() { return new JsonCodec(); }
 *     protected Gen<Object> values() { return JsonValues.storable(); }
 * }
 * }</pre>
 *
 * <p>The properties run on random values from {@link #values()} with QuickTheories. A failing property reports the
 * smallest value it found and the seed it ran with ("Seed was ..."). To replay a failure, run the test again with the
 * system property {@code -DQT_SEED=<seed>} (for example {@code ./mvnw verify -DQT_SEED=1866356659064}, which surefire
 * passes on to the test JVM), or pin it while debugging with {@code qt().withFixedSeed(seed)}. The number of
 * examples can be raised the same way with {@code -DQT_EXAMPLES=<n>}; the defaults are kept small so that a codec's
 * whole suite runs in a few seconds.
 *
 * @param <T> the type of the codec's values
 */
public abstract class ValueCodecContract<T> {

    /** Bytes around a slice, chosen to be neither a valid start of JSON nor a small Kryo class id. */
    private static final byte SURROUNDING_BYTE = (byte) 0xA5;
    private static final int GARBAGE_EXAMPLES = 200;
    private static final int THREADS = 4;

    /** The codec under test. It may return the same instance on every call: codecs are thread-safe. */
    protected abstract ValueCodec<T> codec();

    /** Values the codec must store and give back, covering its whole value space; never null. */
    protected abstract Gen<T> values();

    /**
     * A value the codec refuses to encode, if there is one; the suite checks that it is refused with a
     * {@link RuntimeException} (which the store reports as a {@code CodecException}), never with an {@link Error}.
     */
    protected Optional<T> unsupportedValue() {
        return Optional.empty();
    }

    /**
     * Checks that {@code actual}, decoded from the encoding of {@code expected}, is the same value. The default
     * compares with {@link Objects#deepEquals}, so arrays (also nested in arrays) are compared by content. Override
     * it where a codec documents that values come back changed (a wider number type, another collection class) or
     * where the values' own {@code equals} does not say what "the same" means.
     */
    protected void assertSameValue(T expected, T actual) {
        if (!Objects.deepEquals(expected, actual)) {
            fail("decoded value differs: expected " + describe(expected) + " but was " + describe(actual));
        }
    }

    /** How a value is shown in failure reports; the default shows arrays by content and cuts long text. */
    protected String describe(T value) {
        String text = value != null && value.getClass().isArray() ? arrayText(value) : String.valueOf(value);
        return text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length() + " chars)";
    }

    /** Examples per round-trip property; override to trade coverage for speed. */
    protected int examples() {
        return 100;
    }

    @Test
    void nameIsAValidCodecName() {
        String name = codec().name();
        assertNotNull(name, "name()");
        ValueCodecs.checkName(name);
    }

    @Test
    void roundTripsThroughAHeapBuffer() {
        roundTrips(bytes -> ByteBuffer.wrap(bytes));
    }

    @Test
    void roundTripsThroughAReadOnlyDirectBuffer() {
        roundTrips(bytes -> ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer());
    }

    /**
     * The store hands a codec a read-only slice of a larger (memory-mapped) buffer: a codec that calls
     * {@code array()}, or reads outside position 0 to limit, fails here.
     */
    @Test
    void roundTripsThroughAReadOnlySliceInsideALargerBuffer() {
        roundTrips(bytes -> sliceInsideLargerBuffer(bytes, true).asReadOnlyBuffer());
    }

    /** A writable heap slice has an accessible array with a non-zero {@code arrayOffset()}; codecs must honour it. */
    @Test
    void roundTripsThroughAHeapSliceWithAnArrayOffset() {
        roundTrips(bytes -> sliceInsideLargerBuffer(bytes, false));
    }

    @Test
    void encodeReturnsBytesAndDecodeLeavesThemUnchanged() {
        ValueCodec<T> codec = codec();
        theory(examples()).forAll(values()).describedAs(this::describe).checkAssert(value -> {
            byte[] encoded = codec.encode(value);
            assertNotNull(encoded, "encode returned null");
            ByteBuffer buffer = ByteBuffer.wrap(encoded.clone());
            codec.decode(buffer);
            assertArrayEquals(encoded, buffer.array(), "decode changed the bytes it was given");
        });
    }

    /** Codecs are called from every thread that uses a store; values must not leak between concurrent calls. */
    @Test
    void concurrentRoundTripsAgree() throws Exception {
        long seed = Long.getLong("QT_SEED", System.nanoTime());
        List<T> samples = new ArrayList<>();
        theory(examples()).withFixedSeed(seed).forAll(values()).checkAssert(samples::add);
        ValueCodec<T> codec = codec();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                // Each thread walks the values in its own order, so that different values are in flight at once.
                List<T> order = new ArrayList<>(samples);
                Collections.rotate(order, t * samples.size() / THREADS);
                done.add(threads.submit(() -> {
                    start.await();
                    for (int pass = 0; pass < 3; pass++) {
                        for (T value : order) {
                            try {
                                byte[] encoded = codec.encode(value);
                                assertSameValue(value, codec.decode(readOnlyDirect(encoded)));
                            } catch (Throwable e) {
                                failures.add(e);
                                return null;
                            }
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " of " + THREADS
                    + " threads saw a wrong round trip (rerun with -DQT_SEED=" + seed + ")", failures.get(0));
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }

    @Test
    void refusesAnUnsupportedValueWithARuntimeException() {
        Optional<T> unsupported = unsupportedValue();
        assumeTrue(unsupported.isPresent(), "this codec names no unsupported value");
        // assertThrows fails if an Error escapes instead: the store only turns RuntimeExceptions into CodecExceptions.
        assertThrows(RuntimeException.class, () -> codec().encode(unsupported.get()));
    }

    @Test
    void decodingNoBytesFailsWithARuntimeExceptionOrReturnsAValue() {
        decodesCleanly(ByteBuffer.allocate(0).asReadOnlyBuffer());
    }

    /** Random bytes must not make a codec throw an Error (OutOfMemoryError, StackOverflowError) or hang. */
    @Test
    void decodingRandomBytesFailsWithARuntimeExceptionOrReturnsAValue() {
        Gen<byte[]> garbage = Generate.byteArrays(Generate.range(1, 64),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
        assertTimeoutPreemptively(decodeTimeLimit(), () -> theory(GARBAGE_EXAMPLES).forAll(garbage)
                .describedAs(Arrays::toString)
                .checkAssert(bytes -> decodesCleanly(readOnlyDirect(bytes))));
    }

    /**
     * Damaged encodings of real values (one byte changed, or cut short) reach deeper into a decoder than random
     * bytes do, for example a length field that now claims two billion elements.
     */
    @Test
    void decodingDamagedEncodingsFailsWithARuntimeExceptionOrReturnsAValue() {
        ValueCodec<T> codec = codec();
        Gen<byte[]> damaged = values().zip(Generate.range(0, Integer.MAX_VALUE),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0), Generate.booleans(),
                (value, where, replacement, truncate) -> damage(codec.encode(value), where, replacement, truncate));
        assertTimeoutPreemptively(decodeTimeLimit(), () -> theory(GARBAGE_EXAMPLES).forAll(damaged)
                .describedAs(Arrays::toString)
                .checkAssert(bytes -> decodesCleanly(readOnlyDirect(bytes))));
    }

    private void roundTrips(java.util.function.Function<byte[], ByteBuffer> storedAs) {
        ValueCodec<T> codec = codec();
        theory(examples()).forAll(values()).describedAs(this::describe).checkAssert(value -> {
            byte[] encoded = codec.encode(value);
            assertNotNull(encoded, "encode returned null");
            assertSameValue(value, codec.decode(storedAs.apply(encoded)));
        });
    }

    private void decodesCleanly(ByteBuffer bytes) {
        try {
            codec().decode(bytes);
        } catch (RuntimeException expected) {
            // Refusing bytes is fine; the store reports it as a CodecException. Errors are not caught here.
        }
    }

    private static String arrayText(Object array) {
        String wrapped = Arrays.deepToString(new Object[] {array});
        return wrapped.substring(1, wrapped.length() - 1);
    }

    private static byte[] damage(byte[] encoded, int where, byte replacement, boolean truncate) {
        if (encoded.length == 0) {
            return new byte[] {replacement};
        }
        int at = where % encoded.length;
        if (truncate) {
            return Arrays.copyOf(encoded, at);
        }
        byte[] copy = encoded.clone();
        copy[at] = copy[at] == replacement ? (byte) ~replacement : replacement;
        return copy;
    }

    private static ByteBuffer readOnlyDirect(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer();
    }

    /**
     * {@code bytes} in the middle of a larger buffer with foreign bytes on both sides, sliced so that position 0 is
     * the first of {@code bytes} and the limit is their end; the foreign bytes after the limit are still within the
     * slice's capacity, so a codec that reads past the limit sees them.
     */
    private static ByteBuffer sliceInsideLargerBuffer(byte[] bytes, boolean direct) {
        int before = 13;
        int after = 17;
        int size = before + bytes.length + after;
        ByteBuffer larger = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        while (larger.hasRemaining()) {
            larger.put(SURROUNDING_BYTE);
        }
        larger.position(before).put(bytes).position(before);
        return larger.slice().limit(bytes.length);
    }

    /** QuickTheories with {@code examples} examples, unless {@code -DQT_EXAMPLES} asks for another number. */
    private static QuickTheory theory(int examples) {
        return System.getProperty("QT_EXAMPLES") == null ? qt().withExamples(examples) : qt();
    }

    /** Ample time for a property of garbage decodes; hanging on one of them takes longer. */
    private static Duration decodeTimeLimit() {
        return Duration.ofSeconds(10).plusMillis(Integer.getInteger("QT_EXAMPLES", GARBAGE_EXAMPLES));
    }
}
