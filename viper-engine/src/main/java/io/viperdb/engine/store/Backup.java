package io.viperdb.engine.store;

import io.viperdb.StoreIOException;
import io.viperdb.ViperException;
import io.viperdb.engine.io.FileAccess;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.StoreDirectory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies a {@link StoreSnapshot} into another directory: each segment's files up to their snapshot ends, synced,
 * then a manifest that names them, written last, so that the copy is a store only once it is whole.
 */
final class Backup {

    private Backup() {
    }

    static void copy(StoreSnapshot snapshot, Path target) {
        Path directory = target.toAbsolutePath().normalize();
        prepare(directory);
        StoreDirectory copy = new StoreDirectory(directory, FileAccess.real());
        List<Long> ids = new ArrayList<>();
        for (StoreSnapshot.Part part : snapshot.segments()) {
            Segment segment = part.segment();
            copyPrefix(segment.values().file(), copy.valueLog(segment.id()), part.valueLogEnd());
            copyPrefix(segment.keys().file(), copy.keyLog(segment.id()), part.keyLogEnd());
            ids.add(segment.id());
        }
        copy.sync();
        copy.writeManifest(snapshot.manifest().withSegments(ids));
    }

    private static void prepare(Path directory) {
        try {
            if (Files.exists(directory)) {
                if (!Files.isDirectory(directory)) {
                    throw new ViperException("Cannot back up into " + directory + ": it is a file");
                }
                try (Stream<Path> entries = Files.list(directory)) {
                    if (entries.findAny().isPresent()) {
                        throw new ViperException("Cannot back up into " + directory + ": the directory is not empty");
                    }
                }
            }
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StoreIOException(directory, "creating the backup directory", e);
        }
    }

    private static void copyPrefix(Path source, Path target, long length) {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long position = 0; position < length; ) {
                position += in.transferTo(position, length - position, out);
            }
            out.force(true);
        } catch (IOException e) {
            throw new StoreIOException(target, "copying " + source + " to", e);
        }
    }
}
