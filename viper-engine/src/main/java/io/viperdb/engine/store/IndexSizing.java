package io.viperdb.engine.store;

import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.HintRecord;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.log.StoreDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * How many keys the key directory should have room for before a store's segments are replayed, so that the replay
 * never rebuilds the table: the key logs' sizes divided by the mean length of a hint, sampled from the start of the
 * largest key log. An over-estimate (many overwritten or removed keys) is trimmed after the replay; an
 * under-estimate only costs a rebuild. Nothing here is trusted: it reads sizes and a few lengths, and any failure
 * just gives a smaller estimate (recovery reports damaged files).
 */
final class IndexSizing {

    private static final int SAMPLE_BYTES = 16 << 10;

    private IndexSizing() {
    }

    static long expectedKeys(StoreDirectory directory, List<Long> segmentIds) {
        long total = 0;
        long largest = -1;
        Path sample = null;
        for (long id : segmentIds) {
            Path keyLog = directory.keyLog(id);
            try {
                long size = Math.max(0, Files.size(keyLog) - FileHeader.SIZE);
                total += size;
                if (size > largest) {
                    largest = size;
                    sample = keyLog;
                }
            } catch (IOException e) {
                // Missing or unreadable: recovery rebuilds it, and the table grows as it must.
            }
        }
        if (total == 0) {
            return 0;
        }
        return total / meanHintLength(sample);
    }

    /** The mean length of the hints of puts at the start of {@code keyLog}; that of 16-byte keys if none are read. */
    private static int meanHintLength(Path keyLog) {
        ByteBuffer bytes = ByteBuffer.allocate(SAMPLE_BYTES);
        int limit;
        try (FileChannel channel = FileChannel.open(keyLog, StandardOpenOption.READ)) {
            limit = Math.max(0, channel.read(bytes, 0));
        } catch (IOException e) {
            return HintRecord.length(16);
        }
        long lengths = 0;
        int count = 0;
        int position = FileHeader.SIZE;
        while (position + HintRecord.KEY_OFFSET <= limit) {
            int length = HintRecord.length(RecordHeader.keyLength(bytes, position));
            if (RecordHeader.type(bytes, position) == RecordHeader.PUT) {
                lengths += length;
                count++;
            }
            position += length;
        }
        return count == 0 ? HintRecord.length(16) : (int) Math.max(HintRecord.KEY_OFFSET, lengths / count);
    }
}
