package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * The first byte of what the kryo codecs write about one of the user's classes the first time it occurs in a value:
 * whether its objects follow with their fields by name ({@link FieldsByNameSerializer}) or as a record's components by
 * position ({@link CheckedRecordSerializer}).
 *
 * <p>The byte is there so that a class turned into a record, or a record turned into a class, fails to read values
 * written before with a message that says so, instead of reading one layout as the other.
 */
final class StoredLayout {

    /** A class of the user's, its fields written with their names. */
    static final byte FIELDS_BY_NAME = 1;
    /** A record, its components written by position after a fingerprint of their names and types. */
    static final byte RECORD_BY_POSITION = 2;

    private StoredLayout() {
    }

    /**
     * Reads the layout byte and checks that it is {@code expected}.
     *
     * @throws KryoException if it is another layout, or no layout at all
     */
    static void expect(Input input, byte expected, Class<?> type) {
        byte found = input.readByte();
        if (found == expected) {
            return;
        }
        if (found == FIELDS_BY_NAME || found == RECORD_BY_POSITION) {
            throw new KryoException("The bytes hold a " + type.getName() + " written when it was "
                    + (found == RECORD_BY_POSITION ? "a record; it is a class now" : "a class; it is a record now")
                    + ", and values written before such a change cannot be read: migrate them");
        }
        throw new KryoException("The bytes hold a " + type.getName() + " with an unknown layout (" + found
                + "); they are damaged");
    }
}
