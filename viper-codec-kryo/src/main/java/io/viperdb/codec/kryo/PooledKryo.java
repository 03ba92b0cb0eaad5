package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import java.lang.reflect.InaccessibleObjectException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Encodes and decodes whole values with pooled Kryo instances and buffers; the part both kryo codecs share.
 *
 * <p>Kryo instances, outputs and inputs are not thread-safe, and a Kryo instance is costly to set up (it learns each
 * class's fields on first use), so each call borrows one of each from a pool and returns it. A Kryo instance that
 * failed mid-way is dropped rather than returned: its reference table may hold half a graph.
 */
final class PooledKryo {

    static {
        // Kryo looks for sun.misc.Unsafe when it first loads unless the property says not to, and JDK 24 and later
        // warn on standard error about that use. These codecs use none of Kryo's Unsafe-based streams, so they ask
        // Kryo not to look, unless the application has chosen otherwise.
        if (System.getProperty("kryo.unsafe") == null) {
            System.setProperty("kryo.unsafe", "false");
        }
    }

    private static final int INITIAL_BUFFER = 4 * 1024;
    /** An output whose buffer grew beyond this for a large value is dropped, so the pool does not keep it. */
    private static final int LARGEST_POOLED_BUFFER = 256 * 1024;
    private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);

    private final String codecName;
    private final Pool<Kryo> kryos;
    private final Pool<Output> outputs;
    private final Pool<BoundedInput> inputs;

    /**
     * Creates the pools, and one Kryo instance right away, so that a configuration that Kryo refuses (an unknown
     * class, a package not opened to Kryo) fails when the codec is created rather than on first use.
     */
    PooledKryo(String codecName, Supplier<Kryo> newKryo) {
        this.codecName = codecName;
        int size = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        this.kryos = new Pool<>(true, false, size) {
            @Override
            protected Kryo create() {
                return newKryo.get();
            }
        };
        this.outputs = new Pool<>(true, false, size) {
            @Override
            protected Output create() {
                return new Output(INITIAL_BUFFER, -1);
            }
        };
        this.inputs = new Pool<>(true, false, size) {
            @Override
            protected BoundedInput create() {
                return new BoundedInput();
            }
        };
        kryos.free(newKryo.get());
    }

    /** Writes {@code value} with its class. */
    byte[] write(Object value) {
        Objects.requireNonNull(value, "value");
        Kryo kryo = kryos.obtain();
        Output output = outputs.obtain();
        boolean written = false;
        try {
            kryo.writeClassAndObject(output, value);
            written = true;
            return output.toBytes();
        } catch (RuntimeException e) {
            throw explained(e);
        } finally {
            if (written) {
                kryos.free(kryo);
            }
            if (output.getBuffer().length <= LARGEST_POOLED_BUFFER) {
                outputs.free(output);
            }
        }
    }

    /** Reads a value that {@link #write} wrote, from {@code bytes}' position to its limit, moving neither. */
    Object read(ByteBuffer bytes) {
        ByteBuffer view = bytes.slice();
        if (!view.hasRemaining()) {
            throw new IllegalArgumentException("Cannot decode 0 bytes: the " + codecName
                    + " codec writes at least one byte");
        }
        Kryo kryo = kryos.obtain();
        BoundedInput input = inputs.obtain();
        boolean read = false;
        try {
            input.setBuffer(view);
            Object value = kryo.readClassAndObject(input);
            read = true;
            int left = input.limit() - input.position();
            if (left > 0) {
                throw new IllegalArgumentException("Cannot decode " + view.limit() + " bytes: " + left
                        + " are left after the value (" + (value == null ? "null" : "a " + value.getClass().getName())
                        + "); the bytes are damaged or were written by another codec");
            }
            if (value == null) {
                throw new IllegalArgumentException("Cannot decode " + view.limit() + " bytes: they hold null, which "
                        + "the " + codecName + " codec never writes");
            }
            return value;
        } catch (RuntimeException e) {
            throw explained(e);
        } finally {
            // The bytes may be a slice of a memory-mapped file: a pooled input must not keep them.
            input.setBuffer(NO_BYTES);
            inputs.free(input);
            if (read) {
                kryos.free(kryo);
            }
        }
    }

    /** Adds what to do to the exception the JDK throws when a stored class's package is not opened to Kryo. */
    private static RuntimeException explained(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InaccessibleObjectException) {
                return new IllegalArgumentException(e.getMessage() + "\nKryo reads and writes the fields of stored "
                        + "objects reflectively: open the package of your stored classes to it in your module-info "
                        + "(opens com.example.model to com.esotericsoftware.kryo;). JDK classes that Kryo has no "
                        + "serializer for cannot be stored.", e);
            }
        }
        return e;
    }
}
