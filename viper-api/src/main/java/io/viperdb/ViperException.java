package io.viperdb;

/**
 * The root of every failure a ViperDB store reports.
 *
 * <p>It is unchecked: a store is used like a {@link java.util.Map}, and most callers cannot do better than let a
 * failure propagate. Catch one of the subclasses where you can act on it:
 * <ul>
 *   <li>{@link CorruptStoreException}: a file's bytes are not what the store wrote (names the file and offset);</li>
 *   <li>{@link UnsupportedFormatException}: a file was written in a format version this build does not read;</li>
 *   <li>{@link CodecException}: a value cannot be encoded or decoded, and its subclasses
 *       {@link UnknownCodecException} and {@link CodecMismatchException};</li>
 *   <li>{@link StoreLockedException}: another opener holds the store;</li>
 *   <li>{@link StoreClosedException}: the store was used after {@code close()};</li>
 *   <li>{@link StoreReadOnlyException}: a write to a store opened read-only;</li>
 *   <li>{@link StoreIOException}: the file system failed.</li>
 * </ul>
 * Arguments that break a method's contract get the usual JDK exceptions instead: {@link NullPointerException} for a
 * null key or value, {@link IllegalArgumentException} for an oversized key or a non-positive time to live.
 */
public class ViperException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message and no cause.
     *
     * @param message what failed, what was expected and what was found, and where
     */
    public ViperException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the failure that caused it.
     *
     * @param message what failed, what was expected and what was found, and where
     * @param cause the underlying failure
     */
    public ViperException(String message, Throwable cause) {
        super(message, cause);
    }
}
