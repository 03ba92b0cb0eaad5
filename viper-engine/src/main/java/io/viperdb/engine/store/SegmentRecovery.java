package io.viperdb.engine.store;

import io.viperdb.CorruptStoreException;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.HintRecord;
import io.viperdb.engine.format.Keys;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.index.KeyDirectory;
import io.viperdb.engine.index.Location;
import io.viperdb.engine.log.KeyLog;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.log.ValueLog;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * Opens one segment and replays it into the key directory.
 *
 * <p>The value log holds every record; the key log is its index. Recovery reads the hints, then checks the value
 * log past the last hint, and decides by these rules:
 * <ul>
 *   <li>A hint that is unsound, or that does not start where the one before it ended, ends the key log's use; what
 *       follows is rebuilt from the value log. A missing or damaged key log is rebuilt whole.</li>
 *   <li>Records past the last hint that are sound are kept (their hints were lost to a crash) and get new hints.</li>
 *   <li>In the last segment, what follows the last sound record was never covered by a hint, so it was never
 *       flushed whole: it is a torn append and is cut off. Where the key log itself was damaged, only a partial
 *       record or zeros may be cut; anything else is reported as corruption.</li>
 *   <li>A sealed segment was synced before any later one was created, so any of these faults in it, or a hint
 *       pointing past the end of its value log, is reported as corruption.</li>
 *   <li>In the last segment, a hint pointing past the end of the value log means the value log lost its tail
 *       (the key log reached the disk first); the store keeps the records before it.</li>
 * </ul>
 */
final class SegmentRecovery implements KeyLog.HintVisitor {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    private final Segment segment;
    private final boolean last;
    private final KeyDirectory index;
    private final long now;
    private final int dataEnd;
    private long covered = FileHeader.SIZE;
    private boolean valueLogShort;
    private boolean outOfOrder;

    private SegmentRecovery(Segment segment, boolean last, KeyDirectory index, long now) {
        this.segment = segment;
        this.last = last;
        this.index = index;
        this.now = now;
        this.dataEnd = segment.values().mappedForRecovery().limit();
    }

    /**
     * Opens segment {@code id} and applies its records to {@code index} in order.
     *
     * @param last whether it is the store's last segment, which goes on taking appends
     * @return the segment, sealed or (if last) ready for appends
     */
    static Segment recover(StoreDirectory directory, long id, boolean last, KeyDirectory index, long nowMillis,
            Lock appendLock, long logFileSize) {
        ValueLog values = ValueLog.open(directory.access(), directory.valueLog(id), id, appendLock, logFileSize);
        KeyLog keys;
        try {
            keys = KeyLog.openForRecovery(directory.access(), directory.keyLog(id));
        } catch (RuntimeException e) {
            values.abandon();
            throw e;
        }
        Segment segment = new Segment(id, values, keys);
        try {
            new SegmentRecovery(segment, last, index, nowMillis).run();
            return segment;
        } catch (RuntimeException e) {
            segment.abandon();
            throw e;
        }
    }

    @Override
    public boolean accept(ByteBuffer bytes, int start, int length) {
        long offset = HintRecord.recordOffset(bytes, start);
        int recordLength = HintRecord.recordLength(bytes, start);
        if (offset != covered) {
            outOfOrder = true;
            return false;
        }
        if (offset + recordLength > dataEnd) {
            valueLogShort = true;
            return false;
        }
        apply(Keys.decode(bytes, start + HintRecord.KEY_OFFSET, RecordHeader.keyLength(bytes, start)),
                RecordHeader.type(bytes, start), RecordHeader.expiry(bytes, start), offset, recordLength);
        covered = offset + recordLength;
        return true;
    }

    private void apply(String key, byte type, long expiry, long offset, int length) {
        // A delete, or a put that has expired since, ends the key's life: whatever it had before is gone too.
        if (type == RecordHeader.DELETE || now >= expiry) {
            index.remove(key);
        } else {
            index.put(key, new Location(segment, offset, length, expiry));
        }
    }

    private void run() {
        ValueLog values = segment.values();
        KeyLog keys = segment.keys();
        KeyLog.Replay replay = keys.replay(segment.id(), this);
        if (valueLogShort && !last) {
            throw new CorruptStoreException(values.file(), dataEnd, "the value log of sealed segment "
                    + segment.id() + " ends at " + dataEnd + " but its key log lists records beyond that");
        }
        boolean hintsTrusted = replay.outcome() == KeyLog.Outcome.CLEAN || replay.outcome() == KeyLog.Outcome.TORN
                || valueLogShort;
        if (!hintsTrusted) {
            LOG.log(Level.WARNING, "Key log {0} is {1} at offset {2}; rebuilding it from the value log",
                    keys.file(), outOfOrder ? "out of step with its value log" : "damaged", replay.validEnd());
        } else if (valueLogShort) {
            LOG.log(Level.WARNING, "Value log {0} ends at {1}, before records its key log lists; the store keeps the "
                    + "records before that point", values.file(), dataEnd);
        }

        List<Integer> unhinted = new ArrayList<>();
        int end = scanPastHints(unhinted, hintsTrusted);

        if (last) {
            values.truncate(end);
            values.resumeAppending();
        }
        if (replay.outcome() == KeyLog.Outcome.NO_HEADER) {
            keys.rewriteHeader(segment.id());
        } else if (replay.outcome() != KeyLog.Outcome.CLEAN) {
            keys.truncate(replay.validEnd());
        }
        if (last || !unhinted.isEmpty()) {
            keys.resumeAppending(values);
            ByteBuffer data = values.mappedForRecovery();
            for (int start : unhinted) {
                keys.appendFor(data, start, start);
            }
        }
        if (last) {
            keys.sync();
        } else {
            values.seal();
            keys.seal();
        }
    }

    /**
     * Applies the sound records past the last hint, collecting their offsets, and returns where the data ends.
     *
     * @throws CorruptStoreException where what follows them cannot be explained by an interrupted append
     */
    private int scanPastHints(List<Integer> unhinted, boolean hintsTrusted) {
        ByteBuffer data = segment.values().mappedForRecovery();
        int position = (int) covered;
        while (position < dataEnd) {
            int length = DataRecord.check(data, position, dataEnd);
            if (length < 0) {
                return cutTail(data, position, length, hintsTrusted);
            }
            apply(Keys.decode(data, position + RecordHeader.SIZE, RecordHeader.keyLength(data, position)),
                    RecordHeader.type(data, position), RecordHeader.expiry(data, position), position, length);
            unhinted.add(position);
            position += length;
        }
        return position;
    }

    private int cutTail(ByteBuffer data, int position, int check, boolean hintsTrusted) {
        boolean zeros = onlyZeros(data, position, dataEnd);
        boolean torn = zeros || check == DataRecord.INCOMPLETE;
        if (!last || !(hintsTrusted || torn)) {
            throw new CorruptStoreException(segment.values().file(), position,
                    DataRecord.problem(data, position, dataEnd));
        }
        if (!zeros) {
            LOG.log(Level.WARNING, "Cut off {0} bytes at offset {1} of {2}, the tail of an interrupted write ({3})",
                    dataEnd - position, position, segment.values().file(), DataRecord.problem(data, position, dataEnd));
        }
        return position;
    }

    private static boolean onlyZeros(ByteBuffer data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
