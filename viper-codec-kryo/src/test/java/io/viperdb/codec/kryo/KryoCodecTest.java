package io.viperdb.codec.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.esotericsoftware.kryo.KryoException;
import io.viperdb.codec.kryo.closed.Secret;
import io.viperdb.codec.kryo.model.Account;
import io.viperdb.codec.kryo.model.Color;
import io.viperdb.codec.kryo.model.Order;
import io.viperdb.codec.kryo.model.Point;
import io.viperdb.codec.kryo.model.Preferences;
import io.viperdb.codec.kryo.model.Ring;
import io.viperdb.codec.kryo.model.Shadowing;
import io.viperdb.codec.kryo.model.Shared;
import io.viperdb.spi.ValueCodec;
import io.viperdb.spi.ValueCodecs;
import io.viperdb.testkit.ValueCodecContract;
import java.math.BigInteger;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class KryoCodecTest extends ValueCodecContract<Object> {

    private static final KryoCodec CODEC = new KryoCodec();

    @Override
    protected ValueCodec<Object> codec() {
        return CODEC;
    }

    @Override
    protected Gen<Object> values() {
        return KryoValues.any();
    }

    /** Kryo has no serializer for a Semaphore, and the JDK does not let it read the fields. */
    @Override
    protected Optional<Object> unsupportedValue() {
        return Optional.of(new Semaphore(1));
    }

    static Object roundTrip(ValueCodec<Object> codec, Object value) {
        return codec.decode(ByteBuffer.wrap(codec.encode(value)).asReadOnlyBuffer());
    }

    private static Object roundTrip(Object value) {
        return roundTrip(CODEC, value);
    }

    private static Object decode(byte[] bytes) {
        return CODEC.decode(ByteBuffer.wrap(bytes));
    }

    @Test
    void isFoundByServiceLoaderUnderItsName() {
        assertInstanceOf(KryoCodec.class, ValueCodecs.named("kryo"));
    }

    @Nested
    class WhatItStores {

        @Test
        void records() {
            Order order = new Order("o-1", List.of(new Point(1, 2, "a")),
                    Map.of("ann", new Account("ann", 10, List.of("opened"))), Instant.ofEpochSecond(42), Color.BLUE);
            assertEquals(order, roundTrip(order));
        }

        @Test
        void classesWithoutANoArgumentConstructor() {
            Account account = new Account("bob", -5, new ArrayList<>(List.of("x", "y")));
            assertEquals(account, roundTrip(account));
        }

        @Test
        void cyclicGraphs() {
            Ring back = (Ring) roundTrip(new Ring(List.of("a", "b", "c")));
            assertEquals(List.of("a", "b", "c"), back.labels());
            assertTrue(back.isClosed(), "the last node points back to the first, the same object");
        }

        @Test
        void sharedObjectsAsOneObject() {
            Point point = new Point(1, 2, "shared");
            Shared back = (Shared) roundTrip(new Shared(point, point));
            assertSame(back.left(), back.right());
        }

        @Test
        void jdkTypesThatKryoDoesNotHandleByDefault() {
            List<Object> values = List.of(UUID.randomUUID(), URI.create("viper://db/x?y"),
                    new BigInteger("12345678901234567890"), Set.of(1, 2, 3), Map.of("k", List.of()));
            assertEquals(values, roundTrip(values));
            assertEquals(7L, ((AtomicLong) roundTrip(new AtomicLong(7))).get());
            assertEquals("a+b", ((Pattern) roundTrip(Pattern.compile("a+b"))).pattern());
        }

        @Test
        void collectionsAndMapsOfTheirOwnClass() {
            Map<String, Account> accounts = new HashMap<>(Map.of("a", new Account("a", 1, null)));
            assertInstanceOf(HashMap.class, roundTrip(accounts));
            assertEquals(accounts, roundTrip(accounts));
        }

        @Test
        void emptyByteArrays() {
            assertArrayEquals(new byte[0], (byte[]) roundTrip(new byte[0]));
        }

        /**
         * A class with a public no-argument constructor, in a package opened to Kryo but not exported: Kryo's own
         * strategy failed here with an IllegalAccessError. Nulls and zeros must not come back as what the constructor
         * sets.
         */
        @Test
        void classesWithAPublicNoArgumentConstructor() {
            Preferences cleared = new Preferences(null, null, false);
            assertEquals(cleared, roundTrip(cleared));
            assertEquals(new Preferences(), roundTrip(new Preferences()));
        }

        @Test
        void graphsNestedToTheMaximumDepth() {
            Object nested = nest(CodecKryo.MAX_DEPTH);
            assertEquals(nested, roundTrip(nested));
        }
    }

    @Nested
    class WhatItRefuses {

        @Test
        void graphsNestedDeeperThanTheMaximum() {
            KryoException refusal = assertThrows(KryoException.class,
                    () -> CODEC.encode(nest(CodecKryo.MAX_DEPTH + 1)));
            assertTrue(refusal.getMessage().startsWith("Max depth exceeded: " + CodecKryo.MAX_DEPTH),
                    refusal::getMessage);
        }

        /** On the module path, a package of stored classes must be open to Kryo; the message says how. */
        @Test
        void classesInAPackageThatIsNotOpenToKryo() {
            assumeTrue(KryoCodec.class.getModule().isNamed(), "only the module path checks opens");
            String message = assertThrows(IllegalArgumentException.class, () -> CODEC.encode(new Secret(1)))
                    .getMessage();
            assertTrue(message.contains("opens com.example.model to com.esotericsoftware.kryo;"), message);
        }

        @Test
        void classesWithTwoFieldsOfTheSameName() {
            String message = assertThrows(IllegalArgumentException.class,
                    () -> CODEC.encode(new Shadowing.Derived())).getMessage();
            assertTrue(message.startsWith(Shadowing.Derived.class.getName() + " has two fields named 'name', in "
                    + Shadowing.Derived.class.getName() + " and in " + Shadowing.Base.class.getName()), message);
        }

        /** A record is created after what it holds, so a reference back to it from inside cannot be resolved. */
        @Test
        void readingARecordThatContainsItself() {
            List<Object> inside = new ArrayList<>();
            Shared outside = new Shared(inside, null);
            inside.add(outside);
            byte[] encoded = CODEC.encode(outside);
            KryoException refusal = assertThrows(KryoException.class, () -> decode(encoded));
            assertTrue(messages(refusal).contains("The bytes refer back to a " + Shared.class.getName() + " that is "
                    + "still being read: it contains itself"), () -> messages(refusal));
        }

        @Test
        void noBytes() {
            assertThrows(IllegalArgumentException.class, () -> decode(new byte[0]));
        }

        @Test
        void bytesLeftAfterTheValue() {
            byte[] encoded = CODEC.encode("text");
            byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
            String message = assertThrows(IllegalArgumentException.class, () -> decode(longer)).getMessage();
            assertTrue(message.contains("1 are left after the value (a java.lang.String)"), message);
        }

        @Test
        void bytesThatHoldNull() {
            assertThrows(IllegalArgumentException.class, () -> decode(new byte[] {0}));
        }

        @Test
        void bytesNamingAClassThatDoesNotExist() {
            byte[] encoded = CODEC.encode(new Point(1, 2, "p"));
            String name = Point.class.getName();
            // Kryo writes an ASCII class name with the last char flagged: change the char before it.
            byte[] renamed = new String(encoded, StandardCharsets.ISO_8859_1)
                    .replace(name.substring(0, name.length() - 1), name.substring(0, name.length() - 2) + "Q")
                    .getBytes(StandardCharsets.ISO_8859_1);
            KryoException refusal = assertThrows(KryoException.class, () -> decode(renamed));
            assertTrue(refusal.getMessage().startsWith("Unable to find class"), refusal::getMessage);
        }

        @Test
        void aStringLongerThanTheBytesLeft() {
            // Kryo's id for String, "new object", then a UTF-8 string header claiming 2^31 - 2 chars.
            byte[] claim = {3, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 'a'};
            KryoException refusal = assertThrows(KryoException.class, () -> decode(claim));
            assertTrue(refusal.getMessage().contains("give a String a length of 2147483646, but only 1 bytes are left"),
                    refusal::getMessage);
        }

        @Test
        void aCollectionLongerThanTheBytesLeft() {
            byte[] encoded = CODEC.encode(new ArrayList<>(List.of(1)));
            // The class name ends with a flagged 't'; then come the reference marker and the count (plus one), here
            // a flagged var int. Claim 2^31 - 2 elements instead.
            int count = indexOf(encoded, (byte) ('t' | 0x80)) + 2;
            assertEquals((byte) 0x82, encoded[count], "layout assumed by this test");
            byte[] huge = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
            byte[] claim = new byte[encoded.length - 1 + huge.length];
            System.arraycopy(encoded, 0, claim, 0, count);
            System.arraycopy(huge, 0, claim, count, huge.length);
            System.arraycopy(encoded, count + 1, claim, count + huge.length, encoded.length - count - 1);
            KryoException refusal = assertThrows(KryoException.class, () -> decode(claim));
            assertTrue(refusal.getMessage().contains("give a java.util.ArrayList a length of 2147483646"),
                    refusal::getMessage);
        }

        @Test
        void aByteArrayLongerThanTheBytesLeft() {
            byte[] encoded = CODEC.encode(new byte[] {1});
            // After the class: the length plus one (2), then the byte.
            byte[] claim = Arrays.copyOf(encoded, encoded.length + 4);
            System.arraycopy(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}, 0, claim,
                    encoded.length - 2, 5);
            KryoException refusal = assertThrows(KryoException.class, () -> decode(claim));
            assertTrue(refusal.getMessage().contains("give a byte[] a length of 2147483646"), refusal::getMessage);
        }
    }

    /** Damaged field lists of a stored class: huge and negative counts, an unknown layout, and every truncation. */
    @Nested
    class WhatItRefusesInTheFieldsOfAClass {

        private final byte[] encoded = CODEC.encode(new Preferences("dark", 14, false));
        /**
         * Where the number of field names is: after the class name (its last char flagged), the reference marker and
         * the layout byte.
         */
        private final int count = indexOf(encoded, (byte) ('s' | 0x80)) + 3;

        @Test
        void layoutAssumedByTheseTests() {
            assertEquals(StoredLayout.FIELDS_BY_NAME, encoded[count - 1]);
            assertEquals(3, encoded[count], "compact, fontSize, theme");
        }

        @Test
        void aFieldCountLargerThanTheBytesLeft() {
            KryoException refusal = assertThrows(KryoException.class,
                    () -> decode(withCount((byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x07)));
            assertTrue(refusal.getMessage().startsWith("The bytes give the field names of " + Preferences.class.getName()
                    + " a count of 2147483647, with "), refusal::getMessage);
        }

        @Test
        void aNegativeFieldCount() {
            KryoException refusal = assertThrows(KryoException.class,
                    () -> decode(withCount((byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x0F)));
            assertTrue(refusal.getMessage().contains(" a count of -1, "), refusal::getMessage);
        }

        @Test
        void anUnknownLayout() {
            byte[] damaged = encoded.clone();
            damaged[count - 1] = 7;
            KryoException refusal = assertThrows(KryoException.class, () -> decode(damaged));
            assertTrue(refusal.getMessage().startsWith("The bytes hold a " + Preferences.class.getName() + " with an "
                    + "unknown layout (7)"), refusal::getMessage);
        }

        /** Every truncation of a value that holds records, classes, lists, maps and enums fails cleanly. */
        @Test
        void everyTruncation() {
            Order order = new Order("o-1", new ArrayList<>(List.of(new Point(1, 2, "a"))),
                    new HashMap<>(Map.of("ann", new Account("ann", 10, new ArrayList<>(List.of("opened"))))),
                    Instant.ofEpochSecond(42), Color.GREEN);
            byte[] whole = CODEC.encode(List.of(order, new Preferences(null, 3, true), order));
            for (int length = 0; length < whole.length; length++) {
                byte[] truncated = Arrays.copyOf(whole, length);
                assertThrows(RuntimeException.class, () -> decode(truncated), "cut to " + length + " bytes");
            }
        }

        private byte[] withCount(byte... varInt) {
            byte[] damaged = new byte[encoded.length - 1 + varInt.length];
            System.arraycopy(encoded, 0, damaged, 0, count);
            System.arraycopy(varInt, 0, damaged, count, varInt.length);
            System.arraycopy(encoded, count + 1, damaged, count + varInt.length, encoded.length - count - 1);
            return damaged;
        }
    }

    private static String messages(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append('\n');
        }
        return messages.toString();
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        throw new AssertionError("no " + wanted + " in " + Arrays.toString(bytes));
    }

    /** {@code depth} records, each holding the next. */
    private static Object nest(int depth) {
        Object value = "bottom";
        for (int i = 1; i < depth; i++) {
            value = new Shared(value, null);
        }
        return value;
    }
}
