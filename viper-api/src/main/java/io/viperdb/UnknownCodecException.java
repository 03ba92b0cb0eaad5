package io.viperdb;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** No codec with the requested name is on the module path or class path. The message lists those that are. */
public class UnknownCodecException extends CodecException {
    private static final long serialVersionUID = 1L;

    /** The names of the codecs that were found. */
    private final TreeSet<String> available;

    /**
     * Creates the exception for a codec called {@code codecName} that is not among {@code available}.
     *
     * @param codecName the name asked for
     * @param available the names of the codecs that were found
     * @param hint what to add to the module path to get the codec, or an empty string
     */
    public UnknownCodecException(String codecName, Set<String> available, String hint) {
        super(codecName, "No value codec named '" + codecName + "' is on the module path or class path; available: "
                + (available.isEmpty() ? "none" : String.join(", ", new TreeSet<>(available)))
                + (hint.isEmpty() ? "" : ". " + hint));
        this.available = new TreeSet<>(available);
    }

    /** {@return the names of the codecs that were found, sorted; a copy} */
    public SortedSet<String> available() {
        return new TreeSet<>(available);
    }
}
