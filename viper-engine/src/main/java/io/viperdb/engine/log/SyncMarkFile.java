package io.viperdb.engine.log;

import io.viperdb.CorruptStoreException;
import io.viperdb.UnsupportedFormatException;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.SyncMark;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The store's sync mark file ({@code viper.synced}, see {@link SyncMark} for the layout): read when the store opens,
 * and written after every force of the active value log, so that the next open checks only what was written after
 * the last one.
 *
 * <p>A mark is written after the force it describes has returned, never before, so whatever of the file reaches the
 * device states nothing that is not on it. The file itself is forced only when the store closes: a mark lost to a
 * power cut only means that the next open checks more. For the same reason a failure to write it never fails a
 * write or a sync of the store: it is logged once, and the store goes on without marks until it is reopened.
 *
 * <p>Thread-safe: marks come from the thread that leads a sync and from the one that closes the store.
 */
public final class SyncMarkFile {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    private final StoreDirectory directory;
    private FileChannel channel;
    private boolean created;
    private boolean unforced;
    private boolean failed;
    private long sequence;
    private long segmentId = -1;
    private long lastSyncedEnd = -1;

    private SyncMarkFile(StoreDirectory directory, SyncMark current) {
        this.directory = directory;
        if (current != null) {
            // Continuing from the mark in force puts the next one in the other slot: a torn write keeps this one.
            sequence = current.sequence();
        }
    }

    /**
     * Reads the mark in force in {@code directory}: that of the sound slot with the highest sequence.
     *
     * @return the mark, or null if there is none: the file is missing, damaged, of another format version, or
     *     holds no sound slot (each of which means only that the store checks its active segment whole)
     */
    public static SyncMark read(StoreDirectory directory) {
        Path file = directory.syncMark();
        ByteBuffer bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            bytes = ByteBuffer.allocate((int) Math.min(channel.size(), SyncMark.FILE_SIZE));
            LogFile.readFully(channel, bytes, 0, file);
            bytes.flip();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot read {0} ({1}); the active segment is checked whole", file, e.toString());
            return null;
        }
        try {
            FileHeader.decode(bytes, FileHeader.Kind.SYNC_MARK, file);
        } catch (CorruptStoreException | UnsupportedFormatException e) {
            LOG.log(Level.WARNING, "Ignoring {0}: {1}; the active segment is checked whole", file, e.getMessage());
            return null;
        }
        SyncMark best = null;
        for (int slot = 0; slot < SyncMark.SLOTS; slot++) {
            SyncMark mark = SyncMark.decode(bytes, (int) SyncMark.slotPosition(slot));
            if (mark != null && (best == null || mark.sequence() > best.sequence())) {
                best = mark;
            }
        }
        return best;
    }

    /** The writer of the marks of {@code directory}, which continues from {@code current} (null if none). */
    public static SyncMarkFile continueFrom(StoreDirectory directory, SyncMark current) {
        return new SyncMarkFile(directory, current);
    }

    /**
     * Notes that the value log of segment {@code id} was forced to the device up to {@code syncedEnd}, where the
     * record that starts at {@code lastRecordOffset}, with checksum field {@code lastRecordCrc}, ends. Call it only
     * after that force has returned. A mark that is not ahead of the last one written is skipped.
     *
     * @param force whether to force the mark to the device too (when the store closes)
     */
    public synchronized void record(long id, long syncedEnd, long lastRecordOffset, int lastRecordCrc,
            boolean force) {
        if (failed || lastRecordOffset < FileHeader.SIZE) {
            return;
        }
        try {
            if (id != segmentId || syncedEnd > lastSyncedEnd) {
                ensureOpen();
                SyncMark mark = new SyncMark(sequence + 1, id, syncedEnd, lastRecordOffset, lastRecordCrc);
                ByteBuffer slot = mark.encode();
                long position = SyncMark.slotPosition(mark.sequence());
                while (slot.hasRemaining()) {
                    position += channel.write(slot, position);
                }
                sequence = mark.sequence();
                segmentId = id;
                lastSyncedEnd = syncedEnd;
                unforced = true;
            }
            if (force && unforced) {
                channel.force(false);
                if (created) {
                    directory.sync();
                    created = false;
                }
                unforced = false;
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            LOG.log(Level.WARNING, "Cannot write " + directory.syncMark() + "; the store goes on without sync marks "
                    + "(its next open checks its active segment whole)", e);
            closeChannel();
        }
    }

    /** Opens the file, creating it (or emptying it, if its header is not sound) with a fresh header. */
    private void ensureOpen() throws IOException {
        if (channel != null) {
            return;
        }
        Path file = directory.syncMark();
        created = !Files.exists(file);
        channel = directory.access().open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ByteBuffer header = ByteBuffer.allocate(FileHeader.SIZE);
        LogFile.readFully(channel, header, 0, file);
        header.flip();
        try {
            FileHeader.decode(header, FileHeader.Kind.SYNC_MARK, file);
        } catch (CorruptStoreException | UnsupportedFormatException e) {
            // Slots of a file whose header cannot be trusted might outrank the marks written from now on: empty it.
            channel.truncate(0);
            ByteBuffer fresh = FileHeader.encode(FileHeader.Kind.SYNC_MARK, 0);
            for (long position = 0; fresh.hasRemaining(); ) {
                position += channel.write(fresh, position);
            }
            sequence = 0;
        }
    }

    /**
     * Takes {@code mark}, read when the store opened, as one this writer wrote, once recovery has found that the
     * value log holds what it names: marks that do not move past it are then not written again.
     */
    public synchronized void confirmed(SyncMark mark) {
        segmentId = mark.segmentId();
        lastSyncedEnd = mark.syncedEnd();
    }

    /** Closes the file; marks recorded later are dropped. */
    public synchronized void close() {
        failed = true;
        closeChannel();
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing written through it depends on the close.
            }
            channel = null;
        }
    }
}
