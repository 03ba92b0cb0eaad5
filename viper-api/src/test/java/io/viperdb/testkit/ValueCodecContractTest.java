package io.viperdb.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.generators.SourceDSL.strings;

import io.viperdb.spi.ValueCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.quicktheories.core.Gen;

/** The contract suite itself: a correct codec passes it, and the mistakes it is there to catch make it fail. */
class ValueCodecContractTest {

    /** A correct codec: ASCII strings only, refusing anything else. */
    static class AsciiCodec implements ValueCodec<String> {
        @Override
        public String name() {
            return "test-ascii";
        }

        @Override
        public byte[] encode(String value) {
            if (!StandardCharsets.US_ASCII.newEncoder().canEncode(value)) {
                throw new IllegalArgumentException("not ASCII: " + value);
            }
            return value.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public String decode(ByteBuffer bytes) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            return new String(copy, StandardCharsets.US_ASCII);
        }
    }

    @Nested
    class ACorrectCodecPasses extends ValueCodecContract<String> {
        @Override
        protected ValueCodec<String> codec() {
            return new AsciiCodec();
        }

        @Override
        protected Gen<String> values() {
            return strings().ascii().ofLengthBetween(0, 40);
        }

        @Override
        protected Optional<String> unsupportedValue() {
            return Optional.of("caf\u00e9");
        }
    }

    @Test
    void catchesACodecThatReadsTheBackingArray() {
        ValueCodecContract<String> suite = suiteFor(new AsciiCodec() {
            @Override
            public String decode(ByteBuffer bytes) {
                return new String(bytes.array(), 0, bytes.limit(), StandardCharsets.US_ASCII);
            }
        });
        failsOn(suite::roundTripsThroughAReadOnlyDirectBuffer);
        failsOn(suite::roundTripsThroughAReadOnlySliceInsideALargerBuffer);
        failsOn(suite::roundTripsThroughAHeapSliceWithAnArrayOffset);
    }

    @Test
    void catchesACodecThatIgnoresTheLimit() {
        ValueCodecContract<String> suite = suiteFor(new AsciiCodec() {
            @Override
            public String decode(ByteBuffer bytes) {
                ByteBuffer all = bytes.duplicate().clear();
                byte[] copy = new byte[all.remaining()];
                all.get(copy);
                return new String(copy, StandardCharsets.US_ASCII);
            }
        });
        failsOn(suite::roundTripsThroughAReadOnlySliceInsideALargerBuffer);
    }

    @Test
    void catchesACodecThatWritesIntoTheBuffer() {
        ValueCodecContract<String> suite = suiteFor(new AsciiCodec() {
            @Override
            public String decode(ByteBuffer bytes) {
                String value = super.decode(bytes);
                if (!bytes.isReadOnly() && bytes.hasRemaining()) {
                    bytes.put(0, (byte) 0);
                }
                return value;
            }
        });
        failsOn(suite::encodeReturnsBytesAndDecodeLeavesThemUnchanged);
    }

    @Test
    void catchesACodecThatThrowsAnErrorOnGarbage() {
        ValueCodecContract<String> suite = suiteFor(new AsciiCodec() {
            @Override
            public String decode(ByteBuffer bytes) {
                if (bytes.hasRemaining() && bytes.get(0) < 0) {
                    throw new StackOverflowError("simulated");
                }
                return super.decode(bytes);
            }
        });
        failsOn(suite::decodingRandomBytesFailsWithARuntimeExceptionOrReturnsAValue);
    }

    @Test
    void catchesACodecThatRefusesWithAnError() {
        ValueCodecContract<String> suite = suiteFor(new AsciiCodec() {
            @Override
            public byte[] encode(String value) {
                if (value.equals("caf\u00e9")) {
                    throw new AssertionError("simulated");
                }
                return super.encode(value);
            }
        });
        failsOn(suite::refusesAnUnsupportedValueWithARuntimeException);
    }

    @Test
    void catchesACodecWithAnInvalidName() {
        ValueCodecContract<String> suite = suiteFor(new AsciiCodec() {
            @Override
            public String name() {
                return "Test ASCII";
            }
        });
        assertThrows(IllegalArgumentException.class, suite::nameIsAValidCodecName);
    }

    private static void failsOn(Executable test) {
        // QuickTheories reports a falsified property, whatever the cause, as an AssertionError.
        assertThrows(AssertionError.class, test);
    }

    private static ValueCodecContract<String> suiteFor(ValueCodec<String> codec) {
        return new ValueCodecContract<>() {
            @Override
            protected ValueCodec<String> codec() {
                return codec;
            }

            @Override
            protected Gen<String> values() {
                return strings().ascii().ofLengthBetween(1, 40);
            }

            @Override
            protected Optional<String> unsupportedValue() {
                return Optional.of("caf\u00e9");
            }
        };
    }
}
