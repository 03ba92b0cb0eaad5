package io.viperdb.engine.format;

/**
 * What inspecting the bytes at an offset found ({@link DataRecord#inspect}, {@link HintRecord#inspect}), as one
 * {@code int} so that the check of every record read allocates nothing: a positive verdict is the length of a sound
 * record; a negative one says what is wrong, and {@link DataRecord#describe} puts it into words when a message needs
 * it. A record that is not sound is either incomplete (it runs past the bytes there are: a torn append, or a read that
 * stopped short) or invalid (the bytes are not a record).
 */
public final class RecordVerdict {

    /** Incomplete: fewer bytes remain than the fixed part of a record takes. */
    public static final int HEADER_CUT_SHORT = -1;
    /** Incomplete: the header declares more bytes than remain. */
    public static final int RECORD_CUT_SHORT = -2;
    /** Invalid: the header's type and lengths are not those of any record. */
    public static final int IMPLAUSIBLE_HEADER = -3;
    /** Invalid: the stored checksum is not the checksum of the bytes. */
    public static final int CHECKSUM_MISMATCH = -4;

    private RecordVerdict() {
    }

    /** Whether {@code verdict} is a sound record's length. */
    public static boolean isSound(int verdict) {
        return verdict > 0;
    }

    /** Whether {@code verdict} says the record runs past the bytes there are. */
    public static boolean isIncomplete(int verdict) {
        return verdict == HEADER_CUT_SHORT || verdict == RECORD_CUT_SHORT;
    }

    /** Whether {@code verdict} says the bytes are not a record. */
    public static boolean isInvalid(int verdict) {
        return verdict == IMPLAUSIBLE_HEADER || verdict == CHECKSUM_MISMATCH;
    }
}
