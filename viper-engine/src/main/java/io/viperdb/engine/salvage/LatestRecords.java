package io.viperdb.engine.salvage;

import io.viperdb.KeyRange;
import io.viperdb.engine.format.Keys;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.spi.KeyText;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest record of each key that salvage has found, wherever it was found: the rule "the latest record of a key
 * wins" of recovery, for records met in any order.
 *
 * <p>Records are ordered by their place: the rank of their segment in replay order, then their offset in it. When
 * the manifest is lost there is no replay order to go by, and records are ordered by their timestamp first (ties by
 * place, the ranks then following segment ids). The segment ids alone would not do: a reclaim writes its output
 * segments under ids higher than any before, yet they take the place of the oldest segments in the manifest's order,
 * and hold copies of old records that later segments may overwrite. A copy keeps the timestamp of the record it
 * copies, so timestamps order them right.
 *
 * <p>A record is a put (the key's value, where the caller can copy it from), a delete (the key is absent: a delete
 * record, or a put that has expired), or a lost record: one the key log lists in a damaged range of the value log.
 * A key whose latest record is lost is left out of the new store, never given the value of an older record.
 */
public final class LatestRecords {

    /** What a key's latest record says. */
    public enum Kind {
        /** The key holds the value of a sound put record. */
        PUT,
        /** The key is absent: removed, or its put has expired. */
        DELETE,
        /** The key's latest record lies in a damaged range: its value is lost. */
        LOST
    }

    /**
     * A key's latest record.
     *
     * @param kind what it says
     * @param timestamp when it was written, if records are ordered by time; 0 otherwise
     * @param place its segment's rank in the high 32 bits, its offset in the low 32
     * @param length the length of the record (a put)
     * @param expiry when the key expires (a put)
     */
    public record Latest(Kind kind, long timestamp, long place, int length, long expiry) {

        /** The rank of the record's segment in replay order. */
        public int rank() {
            return (int) (place >>> 32);
        }

        /** Where the record starts in its value log. */
        public int offset() {
            return (int) place;
        }

        boolean isAfter(long otherTimestamp, long otherPlace) {
            return timestamp != otherTimestamp ? timestamp > otherTimestamp : place > otherPlace;
        }
    }

    /**
     * A key that the new store holds, with where its put record is.
     *
     * @param key the key
     * @param record its latest record, a put
     */
    public record Live(byte[] key, Latest record) {
    }

    private final boolean byTimestamp;
    private final long now;
    /** Keyed by the key's bytes, wrapped: a buffer's equality is its bytes'. */
    private final Map<ByteBuffer, Latest> latest = new HashMap<>();

    /**
     * @param byTimestamp whether records are ordered by timestamp (the manifest is lost) rather than by place alone
     * @param now the time that decides which puts have expired, epoch milliseconds
     */
    public LatestRecords(boolean byTimestamp, long now) {
        this.byTimestamp = byTimestamp;
        this.now = now;
    }

    /** Takes the sound put or delete record at {@code data[offset]}, of segment {@code rank}. */
    void record(int rank, ByteBuffer data, int offset, int length) {
        int keyLength = RecordHeader.keyLength(data, offset);
        byte[] key = Keys.copy(data, offset + RecordHeader.SIZE, keyLength);
        long expiry = RecordHeader.expiry(data, offset);
        Kind kind = RecordHeader.type(data, offset) == RecordHeader.PUT && now < expiry ? Kind.PUT : Kind.DELETE;
        offer(key, new Latest(kind, byTimestamp ? RecordHeader.timestamp(data, offset) : 0, place(rank, offset),
                length, expiry));
    }

    /**
     * Takes the record that hint {@code i} of {@code hints} names in a damaged range of segment {@code rank}. A put
     * there loses the key's value; a delete, or a put that has expired by now, leaves the key absent whatever it held,
     * so nothing of it is lost.
     */
    void lost(int rank, HintScan hints, int i) {
        boolean livePut = hints.type(i) == RecordHeader.PUT && now < hints.expiry(i);
        offer(hints.key(i), new Latest(livePut ? Kind.LOST : Kind.DELETE, byTimestamp ? hints.timestamp(i) : 0,
                place(rank, hints.recordOffset(i)), 0, 0));
    }

    private static long place(int rank, int offset) {
        return (long) rank << 32 | Integer.toUnsignedLong(offset);
    }

    private void offer(byte[] key, Latest record) {
        latest.merge(ByteBuffer.wrap(key), record, (held, offered) -> offered.isAfter(held.timestamp(), held.place()) ? offered : held);
    }

    /**
     * The keys whose latest record is lost, in byte order: as text, or, for a key that is not UTF-8 text, as
     * {@link KeyText#describe} shows it (hexadecimal).
     */
    public List<String> lostKeys() {
        List<byte[]> lost = new ArrayList<>();
        latest.forEach((key, record) -> {
            if (record.kind() == Kind.LOST) {
                lost.add(key.array());
            }
        });
        lost.sort(KeyRange::compare);
        List<String> shown = new ArrayList<>(lost.size());
        for (byte[] key : lost) {
            String text = KeyText.decode(key);
            shown.add(text != null ? text : KeyText.describe(key));
        }
        return shown;
    }

    /** The keys whose latest record is a put, in the order of their records' places (so the copy reads in order). */
    public List<Live> live() {
        List<Live> live = new ArrayList<>();
        latest.forEach((key, record) -> {
            if (record.kind() == Kind.PUT) {
                live.add(new Live(key.array(), record));
            }
        });
        live.sort(Comparator.comparingLong(l -> l.record().place()));
        return live;
    }
}
