package io.viperdb.engine.store;

import io.viperdb.CodecMismatchException;
import io.viperdb.CorruptStoreException;
import io.viperdb.SalvageReport;
import io.viperdb.SalvageReport.Damage;
import io.viperdb.StoreIOException;
import io.viperdb.StoreOptions;
import io.viperdb.ViperException;
import io.viperdb.engine.format.Manifest;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.io.FileAccess;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.salvage.HintScan;
import io.viperdb.engine.salvage.LatestRecords;
import io.viperdb.engine.salvage.Problems;
import io.viperdb.engine.salvage.ReadOnlyFile;
import io.viperdb.engine.salvage.SegmentScan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Salvage: copies what can be read of a damaged store into a new one, never writing to the damaged store (see
 * {@link io.viperdb.KeyValueStore#salvage(Path, Path, StoreOptions)} for the contract, and FORMAT.md, "Salvage").
 *
 * <ol>
 *   <li>Check the target (absent or empty, not inside the damaged store) before reading anything.</li>
 *   <li>Take the damaged store's shared lock, as a read-only opener does, so that no writer changes its files
 *       meanwhile.</li>
 *   <li>Read the manifest for the codec name and the segments' replay order. If it is damaged or missing, take every
 *       segment file on disk, order records by their timestamps (see {@link LatestRecords}), and take the codec name
 *       from the options.</li>
 *   <li>For each segment, read its key log ({@link HintScan}) and walk its value log ({@link SegmentScan}), each
 *       opened for reading only and mapped read-only ({@link ReadOnlyFile}), keeping the latest record of each key
 *       ({@link LatestRecords}).</li>
 *   <li>Copy the value bytes of every key whose latest record is a live put into the new store
 *       ({@link SalvageTarget}), and report.</li>
 * </ol>
 * It logs nothing: everything it finds is in the report.
 */
public final class Salvage {

    private final StoreDirectory directory;
    private final StoreOptions targetOptions;
    private final long now;
    private final List<Damage> damage = new ArrayList<>();
    /** The value logs, by rank, mapped until the copy is done. */
    private final List<ReadOnlyFile> valueLogs = new ArrayList<>();

    private Salvage(StoreDirectory directory, StoreOptions targetOptions) {
        this.directory = directory;
        this.targetOptions = targetOptions;
        this.now = targetOptions.clock().millis();
    }

    /**
     * Salvages the store in {@code damaged} into a new store in {@code target}.
     *
     * @throws ViperException as {@link io.viperdb.KeyValueStore#salvage(Path, Path, StoreOptions)} says
     */
    public static SalvageReport salvage(Path damaged, Path target, StoreOptions targetOptions) {
        Objects.requireNonNull(damaged, "damaged");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(targetOptions, "targetOptions");
        if (targetOptions.readOnly()) {
            throw new IllegalArgumentException("The target options are read-only; salvage writes the new store with "
                    + "them");
        }
        Path store = existingStoreDirectory(damaged);
        Path newStore = SalvageTarget.check(target, store);
        StoreDirectory directory = new StoreDirectory(store, FileAccess.real());
        StoreLock lock = StoreLock.acquireShared(directory);
        Salvage salvage = new Salvage(directory, targetOptions);
        try {
            return salvage.run(newStore);
        } finally {
            salvage.valueLogs.forEach(ReadOnlyFile::close);
            lock.release();
        }
    }

    /** The real path of the damaged store's directory, which must exist. */
    private static Path existingStoreDirectory(Path damaged) {
        Path store = damaged.toAbsolutePath().normalize();
        if (!Files.isDirectory(store)) {
            throw new ViperException("No store to salvage at " + store + ": "
                    + (Files.exists(store) ? "it is a file, not a directory" : "the directory does not exist"));
        }
        try {
            return store.toRealPath();
        } catch (IOException e) {
            throw new StoreIOException(store, "resolving", e);
        }
    }

    private SalvageReport run(Path newStore) {
        Optional<Manifest> manifest = readManifest();
        String codecName = codecName(manifest);
        List<Long> ids = manifest.map(Manifest::segmentIds).orElseGet(() -> List.copyOf(directory.segmentIdsOnDisk()));
        LatestRecords latest = new LatestRecords(manifest.isEmpty(), now);
        long recordsRead = 0;
        for (int rank = 0; rank < ids.size(); rank++) {
            long id = ids.get(rank);
            // Without a manifest there is no telling which segment took writes last, so any may end in one.
            boolean tornTailAllowed = manifest.isEmpty() || rank == ids.size() - 1;
            ReadOnlyFile values = ReadOnlyFile.map(directory.valueLog(id));
            valueLogs.add(values);
            List<Damage> keyLogDamage = new ArrayList<>();
            try (ReadOnlyFile keys = ReadOnlyFile.map(directory.keyLog(id))) {
                HintScan hints = HintScan.read(keys, id, tornTailAllowed, keyLogDamage);
                SegmentScan.Scanned scanned = SegmentScan.scan(values, id, hints, tornTailAllowed, rank, latest,
                        damage);
                recordsRead += scanned.recordsRead();
                if (!tornTailAllowed && keyLogDamage.isEmpty() && hints.recordsEnd() < scanned.soundEnd()) {
                    // A sealed key log cut where a hint ends: nothing in it is unsound, but its last hints are gone.
                    keyLogDamage.add(new Damage(keys.path(), keys.bytes().limit(), 0, "the key log ends before the "
                            + "hints of the value log's records from offset " + hints.recordsEnd()));
                }
            }
            damage.addAll(keyLogDamage);
        }
        List<LatestRecords.Live> live = latest.live();
        long keys;
        try (SalvageTarget target = SalvageTarget.create(newStore, codecName, targetOptions, now)) {
            for (LatestRecords.Live key : live) {
                LatestRecords.Latest record = key.record();
                target.put(key.key(), value(valueLogs.get(record.rank()).bytes(), record.offset()), record.expiry());
            }
            keys = target.finish();
        }
        return new SalvageReport(recordsRead, live.size(), keys, damage, latest.lostKeys());
    }

    /** The manifest if it reads back sound; empty, with the damage noted, if it is damaged or missing. */
    private Optional<Manifest> readManifest() {
        Path file = directory.manifest();
        try {
            Manifest manifest = directory.readManifest();
            if (manifest != null) {
                return Optional.of(manifest);
            }
            if (directory.segmentIdsOnDisk().isEmpty()) {
                throw new ViperException("No store to salvage at " + directory.path() + ": the directory holds "
                        + "neither a manifest nor segment files");
            }
            damage.add(new Damage(file, 0, 0, "the manifest is missing; every segment file on disk is read, and "
                    + "records are ordered by their timestamps"));
        } catch (CorruptStoreException e) {
            long size = sizeOf(file);
            damage.add(new Damage(file, e.offset(), Math.max(0, size - e.offset()), Problems.of(e)
                    + "; every segment file on disk is read, and records are ordered by their timestamps"));
        }
        return Optional.empty();
    }

    /** The codec name the new store records: the manifest's; with the manifest lost, the one the options name. */
    private String codecName(Optional<Manifest> manifest) {
        Optional<String> named = targetOptions.codecName();
        if (manifest.isPresent()) {
            String stored = manifest.get().codecName();
            if (named.isPresent() && !named.get().equals(stored)) {
                throw new CodecMismatchException(directory.path(), stored, named.get());
            }
            return stored;
        }
        return named.orElseThrow(() -> new CorruptStoreException(directory.manifest(), 0, "the manifest is "
                + (Files.exists(directory.manifest()) ? "damaged" : "missing") + ", and with it the name of the "
                + "store's codec: name the codec the store was written with to salvage it"));
    }

    /** A copy of the value bytes of the put record at {@code data[offset]}, which passed its check. */
    private static byte[] value(ByteBuffer data, int offset) {
        int keyLength = RecordHeader.keyLength(data, offset);
        byte[] value = new byte[RecordHeader.valueLength(data, offset)];
        data.get(offset + RecordHeader.SIZE + keyLength, value);
        return value;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
