package io.viperdb;

import java.nio.file.Path;

/**
 * A store was opened with a codec other than the one it was written with. The store's bytes are only meaningful to
 * the codec that wrote them, so the store refuses to open rather than decode them with another.
 */
public class CodecMismatchException extends CodecException {
    private static final long serialVersionUID = 1L;

    /** The codec the store was written with. */
    private final String storeCodec;

    /**
     * Creates the exception for a store written with {@code storeCodec} and opened with {@code requestedCodec}.
     *
     * @param directory the store's directory
     * @param storeCodec the codec the store was written with
     * @param requestedCodec the codec the caller asked for
     */
    public CodecMismatchException(Path directory, String storeCodec, String requestedCodec) {
        super(requestedCodec, "Store at " + directory + " was written with codec '" + storeCodec
                + "'; it was opened with codec '" + requestedCodec + "'. Open it with codec '" + storeCodec
                + "' (or name no codec and the store uses its own).");
        this.storeCodec = storeCodec;
    }

    /** {@return the codec the store was written with} */
    public String storeCodec() {
        return storeCodec;
    }

    /** {@return the codec the caller asked for} */
    public String requestedCodec() {
        return codecName();
    }
}
