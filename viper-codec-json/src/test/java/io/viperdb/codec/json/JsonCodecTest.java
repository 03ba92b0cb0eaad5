package io.viperdb.codec.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.spi.ValueCodec;
import io.viperdb.spi.ValueCodecs;
import io.viperdb.testkit.ValueCodecContract;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class JsonCodecTest extends ValueCodecContract<Object> {

    private static final JsonCodec CODEC = new JsonCodec();

    @Override
    protected ValueCodec<Object> codec() {
        return CODEC;
    }

    @Override
    protected Gen<Object> values() {
        return JsonValues.storable();
    }

    @Override
    protected Optional<Object> unsupportedValue() {
        return Optional.of(Map.of("owner", UUID.randomUUID()));
    }

    /** The mapping table of {@link JsonCodec}'s class comment, as a check. */
    @Override
    protected void assertSameValue(Object stored, Object decoded) {
        assertComesBackAs(stored, decoded, "value");
    }

    private static void assertComesBackAs(Object stored, Object decoded, String path) {
        if (stored == null) {
            assertNull(decoded, path);
        } else if (stored instanceof byte[] bytes) {
            assertArrayEquals(bytes, assertInstanceOf(byte[].class, decoded, path), path);
        } else if (stored instanceof String || stored instanceof Boolean || stored instanceof Double) {
            // Double.equals compares bits, so -0.0 must come back as -0.0.
            assertEquals(stored, decoded, path);
        } else if (stored instanceof Integer || stored instanceof Short || stored instanceof Byte) {
            assertEquals(((Number) stored).intValue(), assertInstanceOf(Integer.class, decoded, path), path);
        } else if (stored instanceof Long number) {
            assertEquals(smallestWholeNumber(BigInteger.valueOf(number)), decoded, path);
        } else if (stored instanceof BigInteger number) {
            assertEquals(smallestWholeNumber(number), decoded, path);
        } else if (stored instanceof Float number) {
            assertEquals(number, assertInstanceOf(Double.class, decoded, path).floatValue(), path);
        } else if (stored instanceof BigDecimal number) {
            assertEquals(number.doubleValue(), assertInstanceOf(Double.class, decoded, path), path);
        } else if (stored instanceof Collection<?> list) {
            List<?> back = assertInstanceOf(ArrayList.class, decoded, path);
            assertEquals(list.size(), back.size(), path + " size");
            Iterator<?> elements = back.iterator();
            int index = 0;
            for (Object element : list) {
                assertComesBackAs(element, elements.next(), path + "[" + index++ + "]");
            }
        } else if (stored instanceof Map<?, ?> map) {
            Map<?, ?> back = assertInstanceOf(LinkedHashMap.class, decoded, path);
            assertEquals(new ArrayList<>(map.keySet()), new ArrayList<>(back.keySet()), path + " keys, in order");
            map.forEach((key, value) -> assertComesBackAs(value, back.get(key), path + "." + key));
        } else {
            throw new AssertionError(path + ": the generator made a " + stored.getClass() + ", which is no JSON value");
        }
    }

    private static Number smallestWholeNumber(BigInteger number) {
        if (number.bitLength() < Integer.SIZE) {
            return number.intValue();
        }
        return number.bitLength() < Long.SIZE ? (Number) number.longValue() : number;
    }

    private static Object roundTrip(Object value) {
        return CODEC.decode(ByteBuffer.wrap(CODEC.encode(value)).asReadOnlyBuffer());
    }

    private static Object decode(String text) {
        return CODEC.decode(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String refusal(Object value) {
        return assertThrows(IllegalArgumentException.class, () -> CODEC.encode(value)).getMessage();
    }

    @Test
    void isFoundByServiceLoaderUnderItsName() {
        assertInstanceOf(JsonCodec.class, ValueCodecs.named("json"));
    }

    @Nested
    class WhatComesBack {

        @Test
        void shortsAndBytesComeBackAsIntegers() {
            assertEquals(List.of(7, -3), roundTrip(List.of((short) 7, (byte) -3)));
        }

        @Test
        void wholeNumbersComeBackAsTheSmallestOfIntegerLongAndBigInteger() {
            BigInteger beyondLong = BigInteger.TWO.pow(64);
            assertEquals(List.of(5, Long.MAX_VALUE, beyondLong, 1),
                    roundTrip(List.of(5L, Long.MAX_VALUE, beyondLong, BigInteger.ONE)));
        }

        @Test
        void floatsComeBackAsDoublesWithTheSameDigits() {
            assertEquals(List.of(0.1, 1.0, 3.4028235E38),
                    roundTrip(List.of(0.1f, 1.0f, Float.MAX_VALUE)));
        }

        @Test
        void bigDecimalsComeBackAsTheNearestDouble() {
            assertEquals(List.of(0.1, 5.0, 1000.0), roundTrip(List.of(
                    new BigDecimal("0.1000000000000000055511"), new BigDecimal("5"), new BigDecimal("1E+3"))));
        }

        @Test
        void doublesComeBackBitForBit() {
            List<Double> doubles = List.of(-0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1.0E23, 0.1 + 0.2);
            assertEquals(doubles, roundTrip(doubles));
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) roundTrip(-0.0)));
        }

        @Test
        void anyCollectionComesBackAsAnArrayListInIterationOrder() {
            Object back = roundTrip(new TreeSet<>(Set.of("pear", "apple", "fig")));
            assertInstanceOf(ArrayList.class, back);
            assertEquals(List.of("apple", "fig", "pear"), back);
        }

        @Test
        void anyMapComesBackAsALinkedHashMapInIterationOrder() {
            Object back = roundTrip(new TreeMap<>(Map.of("b", 2, "a", 1, "c", 3)));
            Map<?, ?> map = assertInstanceOf(LinkedHashMap.class, back);
            assertEquals(List.of("a", "b", "c"), new ArrayList<>(map.keySet()));
        }

        @Test
        void nullsInsideListsAndMapsComeBack() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("gone", null);
            map.put("list", Arrays.asList(1, null, 3));
            assertEquals(map, roundTrip(map));
        }

        @Test
        void textIsStoredAsReadableUtf8Json() {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("name", "Zo\u00eb \ud83d\ude00");
            value.put("tags", List.of("a", "b"));
            assertEquals("{\"name\":\"Zo\u00eb \ud83d\ude00\",\"tags\":[\"a\",\"b\"]}",
                    new String(CODEC.encode(value), StandardCharsets.UTF_8));
        }

        @Test
        void textWithUnpairedSurrogatesAndControlCharactersComesBack() {
            List<String> texts = List.of("\ud800", "a\udc00b", "\u0000\u001f\"\\", "\ufeff");
            assertEquals(texts, roundTrip(texts));
        }

        @Test
        void keysLongerThanJacksonsDefaultReadLimitComeBack() {
            Map<String, Object> value = Map.of("k".repeat(60_000), 1);
            assertEquals(value, roundTrip(value));
        }

        @Test
        void wholeNumbersOfTheMaximumLengthComeBack() {
            BigInteger longest = new BigInteger("-" + "9".repeat(JsonCodec.MAX_NUMBER_DIGITS));
            assertEquals(longest, roundTrip(longest));
        }

        @Test
        void listsNestedToTheMaximumDepthComeBack() {
            Object nested = nest(JsonCodec.MAX_DEPTH);
            assertEquals(nested, roundTrip(nested));
        }
    }

    @Nested
    class ByteArrays {

        @Test
        void areStoredAsAZeroMarkerFollowedByTheBytes() {
            assertArrayEquals(new byte[] {0x00, 1, 2, (byte) 0xFF}, CODEC.encode(new byte[] {1, 2, (byte) 0xFF}));
        }

        @Test
        void anEmptyArrayComesBack() {
            assertArrayEquals(new byte[] {0x00}, CODEC.encode(new byte[0]));
            assertArrayEquals(new byte[0], (byte[]) roundTrip(new byte[0]));
        }

        @Test
        void bytesThatLookLikeJsonComeBackAsBytes() {
            byte[] json = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(json, (byte[]) roundTrip(json));
        }
    }

    @Nested
    class Refusals {

        @Test
        void nameThePathAndTheTypeAndPointToKryo() {
            List<Object> items = new ArrayList<>(List.of(Map.of(), Map.of(), Map.of()));
            items.add(Map.of("owner", UUID.randomUUID()));
            assertEquals("value.items[3].owner: java.util.UUID is not a JSON value; the json codec stores strings, "
                    + "numbers, booleans, lists, maps and top-level byte[]; use the kryo codec for your own classes",
                    refusal(Map.of("items", items)));
        }

        @Test
        void quoteKeysThatAreNotIdentifiers() {
            assertTrue(refusal(Map.of("first name", List.of('x')))
                    .startsWith("value[\"first name\"][0]: java.lang.Character is not a JSON value"));
        }

        @Test
        void nonFiniteNumbers() {
            assertTrue(refusal(List.of(1.0, Double.NaN)).startsWith("value[1]: Double NaN is not a JSON number"));
            assertTrue(refusal(Double.POSITIVE_INFINITY).startsWith("value: Double Infinity is not a JSON number"));
            assertTrue(refusal(Map.of("f", Float.NEGATIVE_INFINITY))
                    .startsWith("value.f: Float -Infinity is not a JSON number"));
        }

        @Test
        void bigDecimalsBeyondTheRangeOfADouble() {
            assertTrue(refusal(new BigDecimal("1E+400")).contains("beyond the range of a double"));
        }

        @Test
        void wholeNumbersLongerThanTheMaximum() {
            BigInteger tooLong = BigInteger.TEN.pow(JsonCodec.MAX_NUMBER_DIGITS);
            assertTrue(refusal(tooLong).startsWith("value: a BigInteger of 1001 digits is longer than the 1000"));
        }

        @Test
        void mapKeysThatAreNotStrings() {
            assertTrue(refusal(Map.of("m", Map.of(1, "one")))
                    .startsWith("value.m: map key 1 (java.lang.Integer) is not a String"));
            Map<String, Object> nullKey = new LinkedHashMap<>();
            nullKey.put(null, 1);
            assertTrue(refusal(nullKey).startsWith("value: map key null is not a String"));
        }

        @Test
        void mapKeysWithAnUnpairedSurrogate() {
            assertEquals("value: map key \"a\\ud800\" has an unpaired surrogate at index 1; JSON object keys must be "
                    + "valid Unicode", refusal(Map.of("a\ud800", 1)));
            assertEquals(Map.of("\ud83d\ude00", "\ud800"), roundTrip(Map.of("\ud83d\ude00", "\ud800")));
        }

        @Test
        void mapsThatHoldAKeyTwice() {
            Map<String, Object> identity = new IdentityHashMap<>();
            identity.put(new String("k"), 1);
            identity.put(new String("k"), 2);
            assertTrue(refusal(identity).startsWith("value: the map has the key \"k\" twice"));
        }

        @Test
        void byteArraysInsideListsAndMaps() {
            assertTrue(refusal(List.of(new byte[] {1})).contains("it would come back as a base64 String"));
        }

        @Test
        void otherArrays() {
            assertTrue(refusal(new int[] {1}).startsWith("value: int[] is not a JSON value"));
            assertTrue(refusal(new String[] {"a"}).contains("use a List instead of an array"));
        }

        @Test
        void recordsEnumsOptionalsAndOtherNumbers() {
            record Point(int x, int y) {
            }
            assertTrue(refusal(new Point(1, 2)).contains("Point is not a JSON value"));
            assertTrue(refusal(DayOfWeek.MONDAY).contains("store its name()"));
            assertTrue(refusal(Optional.of(1)).startsWith("value: java.util.Optional is not a JSON value"));
            assertTrue(refusal(new AtomicInteger(1)).contains("store it as an Integer, Long"));
        }

        @Test
        void listsThatContainThemselves() {
            List<Object> cycle = new ArrayList<>();
            cycle.add(cycle);
            assertEquals("value[0]: the list contains itself; JSON cannot store a cycle", refusal(cycle));
        }

        @Test
        void nestingDeeperThanTheMaximumAndShortenTheLongPath() {
            String message = refusal(nest(JsonCodec.MAX_DEPTH + 1));
            assertTrue(message.startsWith("value[0][0][0][0][0][0][0][0]...(484 more)...[0][0][0][0][0][0][0][0]: "
                    + "lists and maps nest deeper than 500 levels"), message);
        }

        @Test
        void aTopLevelNull() {
            assertThrows(NullPointerException.class, () -> CODEC.encode(null));
        }
    }

    @Nested
    class Decoding {

        @Test
        void readsNumbersAsTheSmallestTypeThatHoldsThem() {
            assertEquals(List.of(1, 3_000_000_000L, new BigInteger("10000000000000000000"), 100.0, 0.5),
                    decode("[1, 3000000000, 10000000000000000000, 1e2, 0.5]"));
        }

        @Test
        void refusesNoBytes() {
            assertThrows(IllegalArgumentException.class, () -> CODEC.decode(ByteBuffer.allocate(0)));
        }

        @Test
        void refusesAnythingAfterTheValue() {
            for (String text : List.of("[1] x", "{}{}", "1 2", "\"a\"\"b\"", "1\u0000", "[1]]")) {
                String message = assertThrows(IllegalArgumentException.class, () -> decode(text)).getMessage();
                assertTrue(message.startsWith("Cannot decode " + text.length() + " bytes as JSON: "), message);
            }
        }

        @Test
        void refusesRepeatedKeys() {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> decode("{\"a\":1,\"a\":2}"))
                    .getMessage().contains("Duplicate Object property \"a\""));
        }

        @Test
        void refusesATopLevelNull() {
            assertThrows(IllegalArgumentException.class, () -> decode("null"));
        }

        @Test
        void refusesInvalidUtf8() {
            byte[] broken = {'"', (byte) 0xC3, '"'};
            assertThrows(IllegalArgumentException.class, () -> CODEC.decode(ByteBuffer.wrap(broken)));
        }

        @Test
        void readsOnlyBetweenPositionAndLimitAndMovesNeither() {
            ByteBuffer bytes = ByteBuffer.wrap("[1][2]".getBytes(StandardCharsets.UTF_8)).limit(3).asReadOnlyBuffer();
            assertEquals(List.of(1), CODEC.decode(bytes));
            assertEquals(0, bytes.position());
            assertEquals(3, bytes.limit());
        }
    }

    private static Object nest(int depth) {
        Object value = List.of();
        for (int i = 1; i < depth; i++) {
            value = Collections.singletonList(value);
        }
        return value;
    }
}
