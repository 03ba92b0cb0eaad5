package io.viperdb.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The lines of a stream of UTF-8 text, each decoded on its own and strictly: a line that is not UTF-8 is reported as
 * such, with where its first bad byte is, and the next line is read as usual. (A {@code Reader} would put U+FFFD where
 * the bytes are bad, and a key or value would be stored mangled.)
 *
 * <p>Lines end at {@code \n}; a {@code \r} before it is dropped, so that lines from Windows read the same. A UTF-8
 * byte order mark at the very start of the stream, which some editors write, is skipped.
 */
final class Utf8Lines {

    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /**
     * One line, by its number from 1.
     *
     * @param number the line's number
     * @param text the line, without its line break; null when it is not UTF-8
     * @param problem what is wrong with its bytes, when {@code text} is null
     */
    record Line(long number, String text, String problem) {
    }

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private long number;
    private long bytesRead;
    private boolean started;

    Utf8Lines(InputStream in) {
        this.in = in;
    }

    /** The bytes of the stream read so far, line breaks included. */
    long bytesRead() {
        return bytesRead;
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        if (!started) {
            started = true;
            skipByteOrderMark();
        }
        int length = 0;
        boolean any = false;
        while (true) {
            if (position == limit && !fill()) {
                if (!any) {
                    return null;
                }
                break;
            }
            any = true;
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            int count = end - position;
            if (length + count > line.length) {
                line = Arrays.copyOf(line, Math.max(length + count, (int) Math.min(Integer.MAX_VALUE - 8,
                        2L * line.length)));
            }
            System.arraycopy(buffer, position, line, length, count);
            length += count;
            bytesRead += count;
            position = end;
            if (end < limit) {
                position++; // the \n
                bytesRead++;
                break;
            }
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        number++;
        return decode(length);
    }

    private Line decode(int length) {
        ByteBuffer bytes = ByteBuffer.wrap(line, 0, length);
        try {
            CharBuffer chars = decoder.reset().decode(bytes);
            return new Line(number, chars.toString(), null);
        } catch (CharacterCodingException e) {
            // The decoder stops at the first bad sequence: the buffer's position is where it starts.
            int at = bytes.position();
            int bad = line[at] & 0xFF;
            String what = bad < 0xC0 ? "continues a character that no byte before it starts"
                    : bad < 0xC2 || bad > 0xF4 ? "is never part of UTF-8"
                    : "starts a sequence that is not a UTF-8 character";
            return new Line(number, null, String.format(Locale.ROOT, "not UTF-8 text: byte %d of the line "
                    + "(0x%02x) %s", at + 1, bad, what));
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private void skipByteOrderMark() throws IOException {
        // Reads until three bytes are in (or the stream ends), since a read may return fewer.
        while (limit < BYTE_ORDER_MARK.length) {
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                break;
            }
            limit += n;
        }
        if (limit >= BYTE_ORDER_MARK.length && Arrays.equals(buffer, 0, BYTE_ORDER_MARK.length, BYTE_ORDER_MARK, 0,
                BYTE_ORDER_MARK.length)) {
            position = BYTE_ORDER_MARK.length;
            bytesRead = BYTE_ORDER_MARK.length;
        }
    }
}
