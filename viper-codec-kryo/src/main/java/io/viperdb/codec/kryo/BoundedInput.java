package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.ByteBufferInput;

/**
 * Kryo input over the stored bytes that refuses a length or element count larger than the bytes left, before
 * anything is allocated for it.
 *
 * <p>Kryo allocates a {@code char[]}, an array or a table of the stored length first and reads into it afterwards,
 * so a damaged or crafted length would end in an {@link OutOfMemoryError}. Every char and element takes at least one
 * byte, so a length above the bytes left cannot be right and is refused with a {@link KryoException}. Strings and
 * primitive arrays are checked here on every read; collection, map and object array counts when a
 * {@link CountCheckedSerializer} announces one; the number of stored field names when a
 * {@link FieldsByNameSerializer} asks.
 */
final class BoundedInput extends ByteBufferInput {

    /** The type whose element count is the next var int read, or null. */
    private Class<?> countOf;

    /** Says that the next var int read is the element count (plus one) of a {@code type}; null takes it back. */
    void expectCountOf(Class<?> type) {
        countOf = type;
    }

    @Override
    public int readVarInt(boolean optimizePositive) {
        return checkedCount(super.readVarInt(optimizePositive));
    }

    @Override
    public int readVarIntFlag(boolean optimizePositive) {
        return checkedCount(super.readVarIntFlag(optimizePositive));
    }

    private int checkedCount(int value) {
        if (countOf != null) {
            Class<?> type = countOf;
            countOf = null;
            checkLength(value - 1, typeName(type));
        }
        return value;
    }

    @Override
    public byte[] readBytes(int length) {
        checkLength(length, "byte[]");
        return super.readBytes(length);
    }

    @Override
    public char[] readChars(int length) {
        checkLength(length, "char[]");
        return super.readChars(length);
    }

    @Override
    public short[] readShorts(int length) {
        checkLength(length, "short[]");
        return super.readShorts(length);
    }

    @Override
    public int[] readInts(int length) {
        checkLength(length, "int[]");
        return super.readInts(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) {
        checkLength(length, "int[]");
        return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) {
        checkLength(length, "long[]");
        return super.readLongs(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) {
        checkLength(length, "long[]");
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(int length) {
        checkLength(length, "float[]");
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) {
        checkLength(length, "double[]");
        return super.readDoubles(length);
    }

    @Override
    public boolean[] readBooleans(int length) {
        checkLength(length, "boolean[]");
        return super.readBooleans(length);
    }

    @Override
    public String readString() {
        checkStringLength();
        return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
        checkStringLength();
        return super.readStringBuilder();
    }

    /**
     * Kryo writes an ASCII string as its bytes, the last one flagged, and any other string as a flagged var int of
     * its length in chars plus one (0 is null, 1 is empty), then the chars as UTF-8. Only the second kind has a
     * length to check; this peeks at it and leaves the position where it was.
     */
    private void checkStringLength() {
        if (position() == limit() || !readVarIntFlag()) {
            return;
        }
        int start = position();
        int charsPlusOne = super.readVarIntFlag(true);
        checkLength(charsPlusOne - 1, "String");
        setPosition(start);
    }

    /**
     * Refuses a number of stored items that are each at least one byte long, if it is negative or larger than the
     * bytes left.
     *
     * @throws KryoException naming {@code what} if the count cannot be right
     */
    void checkCount(int count, String what) {
        int bytesLeft = limit() - position();
        if (count < 0 || count > bytesLeft) {
            throw new KryoException("The bytes give " + what + " a count of " + count + ", with " + bytesLeft
                    + " bytes left; they are damaged");
        }
    }

    private static String typeName(Class<?> type) {
        return type.isArray() ? typeName(type.getComponentType()) + "[]" : type.getName();
    }

    private void checkLength(int length, String what) {
        int bytesLeft = limit() - position();
        if (length > bytesLeft) {
            throw new KryoException("The bytes give a " + what + " a length of " + length + ", but only " + bytesLeft
                    + " bytes are left; they are damaged");
        }
    }
}
