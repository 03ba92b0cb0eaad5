package io.viperdb;

/**
 * A value codec failed: it cannot encode the value it was given, it cannot decode bytes that passed their checksum,
 * or codec providers are misconfigured (two providers with one name, a provider with an invalid name).
 * The message names the codec.
 */
public class CodecException extends ViperException {
    private static final long serialVersionUID = 1L;

    private final String codecName;

    public CodecException(String codecName, String message) {
        super(message);
        this.codecName = codecName;
    }

    public CodecException(String codecName, String message, Throwable cause) {
        super(message, cause);
        this.codecName = codecName;
    }

    /** The name of the codec concerned. */
    public String codecName() {
        return codecName;
    }
}
