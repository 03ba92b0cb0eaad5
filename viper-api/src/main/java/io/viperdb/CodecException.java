package io.viperdb;

/**
 * A value codec failed: it cannot encode the value it was given, it cannot decode bytes that passed their checksum,
 * or codec providers are misconfigured (two providers with one name, a provider with an invalid name).
 * The message names the codec.
 */
public class CodecException extends ViperException {
    private static final long serialVersionUID = 1L;

    /** The name of the codec concerned. */
    private final String codecName;

    /**
     * Creates an exception about the codec {@code codecName}.
     *
     * @param codecName the name of the codec concerned
     * @param message what failed; it should name the codec
     */
    public CodecException(String codecName, String message) {
        super(message);
        this.codecName = codecName;
    }

    /**
     * Creates an exception about the codec {@code codecName}, caused by {@code cause}.
     *
     * @param codecName the name of the codec concerned
     * @param message what failed; it should name the codec
     * @param cause what the codec threw
     */
    public CodecException(String codecName, String message, Throwable cause) {
        super(message, cause);
        this.codecName = codecName;
    }

    /** {@return the name of the codec concerned} */
    public String codecName() {
        return codecName;
    }
}
