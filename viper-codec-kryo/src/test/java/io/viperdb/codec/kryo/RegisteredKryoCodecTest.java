package io.viperdb.codec.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.KryoException;
import io.viperdb.codec.kryo.model.Account;
import io.viperdb.codec.kryo.model.Point;
import io.viperdb.codec.kryo.model.Shadowing;
import io.viperdb.codec.kryo.model.Shared;
import io.viperdb.spi.ValueCodec;
import io.viperdb.testkit.ValueCodecContract;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class RegisteredKryoCodecTest extends ValueCodecContract<Object> {

    private static final RegisteredKryoCodec CODEC = new RegisteredKryoCodec("test-registered", KryoValues.REGISTERED);

    @Override
    protected ValueCodec<Object> codec() {
        return CODEC;
    }

    @Override
    protected Gen<Object> values() {
        return KryoValues.registered();
    }

    @Override
    protected Optional<Object> unsupportedValue() {
        return Optional.of(UUID.randomUUID());
    }

    private static Object decode(ValueCodec<Object> codec, byte[] bytes) {
        return codec.decode(ByteBuffer.wrap(bytes));
    }

    /** How a user exposes a registered codec as a service: a subclass with a no-argument constructor. */
    public static final class PointCodec extends RegisteredKryoCodec {
        public PointCodec() {
            super("points-kryo", List.of(Point.class, ArrayList.class));
        }
    }

    @Test
    void aSubclassWithANoArgumentConstructorCanBeAService() {
        PointCodec codec = new PointCodec();
        assertEquals("points-kryo", codec.name());
        List<Point> points = new ArrayList<>(List.of(new Point(1, 2, "a")));
        assertEquals(points, KryoCodecTest.roundTrip(codec, points));
    }

    @Test
    void registeredOnlyCodecsAreNamedKryoRegistered() {
        RegisteredKryoCodec codec = KryoCodec.registeredOnly(Point.class);
        assertEquals(RegisteredKryoCodec.DEFAULT_NAME, codec.name());
        assertEquals(List.of(Point.class), codec.registeredClasses());
    }

    @Nested
    class TheListIsPartOfTheFormat {

        @Test
        void theFirstListedClassIsWrittenAsTheFirstId() {
            byte[] encoded = CODEC.encode(new Point(1, 2, "p"));
            // Kryo writes a class id as a var int of id + 2 (0 is null, 1 a class written by name).
            assertEquals(RegisteredKryoCodec.FIRST_ID + 2, encoded[0]);
        }

        @Test
        void appendingClassesKeepsStoredValuesReadable() {
            RegisteredKryoCodec before = KryoCodec.registeredOnly(Point.class, ArrayList.class);
            RegisteredKryoCodec after = KryoCodec.registeredOnly(Point.class, ArrayList.class, Account.class);
            List<Point> points = new ArrayList<>(List.of(new Point(3, 4, "b")));
            assertEquals(points, decode(after, before.encode(points)));
        }
    }

    @Nested
    class WhatItRefuses {

        @Test
        void encodingAnUnlistedClass() {
            String message = assertThrows(IllegalArgumentException.class, () -> CODEC.encode(UUID.randomUUID()))
                    .getMessage();
            assertTrue(message.startsWith("java.util.UUID is not one of the classes codec 'test-registered' was "
                    + "created with; add it at the end of its list"), message);
        }

        @Test
        void encodingAnUnlistedClassInsideAListedOne() {
            RuntimeException refusal = assertThrows(RuntimeException.class,
                    () -> CODEC.encode(new Shared(new Point(1, 1, ""), Instant.EPOCH)));
            assertTrue(refusal.getMessage().contains("java.time.Instant is not one of the classes codec "
                    + "'test-registered' was created with"), refusal::getMessage);
        }

        @Test
        void decodingAnUnlistedId() {
            byte[] encoded = CODEC.encode(new Point(1, 2, "p"));
            encoded[0] = (byte) (RegisteredKryoCodec.FIRST_ID + KryoValues.REGISTERED.size() + 2);
            KryoException refusal = assertThrows(KryoException.class, () -> decode(CODEC, encoded));
            assertTrue(refusal.getMessage().startsWith("Encountered unregistered class ID: "), refusal::getMessage);
        }

        @Test
        void decodingBytesThatNameAClass() {
            byte[] byName = new KryoCodec().encode(new Point(1, 2, "p"));
            KryoException refusal = assertThrows(KryoException.class, () -> decode(CODEC, byName));
            assertTrue(refusal.getMessage().startsWith("The bytes name a class by its name"), refusal::getMessage);
        }

        @Test
        void listsThatNameAClassTwice() {
            IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class,
                    () -> KryoCodec.registeredOnly(Point.class, Account.class, Point.class));
            assertEquals(Point.class.getName() + " is listed twice, at 0 and 2", refusal.getMessage());
        }

        @Test
        void listsThatNameAClassKryoRegistersItself() {
            assertThrows(IllegalArgumentException.class, () -> KryoCodec.registeredOnly(String.class));
            assertThrows(IllegalArgumentException.class, () -> KryoCodec.registeredOnly(Integer.class));
            assertThrows(IllegalArgumentException.class, () -> KryoCodec.registeredOnly(int.class));
        }

        @Test
        void listsThatNameAnInterfaceOrAnAbstractClass() {
            assertThrows(IllegalArgumentException.class, () -> KryoCodec.registeredOnly(List.class));
            assertThrows(IllegalArgumentException.class, () -> KryoCodec.registeredOnly(AbstractList.class));
        }

        @Test
        void listsWithAClassThatHasTwoFieldsOfTheSameName() {
            String message = assertThrows(IllegalArgumentException.class,
                    () -> KryoCodec.registeredOnly(Shadowing.Derived.class)).getMessage();
            assertTrue(message.startsWith(Shadowing.Derived.class.getName() + " has two fields named 'name'"), message);
        }

        @Test
        void invalidNamesAndNullClasses() {
            assertThrows(IllegalArgumentException.class, () -> new RegisteredKryoCodec("Kryo Mine", List.of()));
            assertThrows(NullPointerException.class,
                    () -> new RegisteredKryoCodec("mine", Arrays.asList(Point.class, null)));
        }
    }
}
