package io.viperdb.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file written whole or not at all: the text goes to a temporary file beside the target, which {@link #commit()}
 * syncs and moves over the target in one atomic rename (then syncs the directory). Until then, and if the writing
 * fails, the target is byte for byte as it was; {@link #close()} without a commit deletes the temporary file.
 *
 * <p>The temporary file is in the target's directory so that the rename stays on one file system, and is named
 * {@code .TARGET.viper-RANDOM.tmp}. An existing target's permissions are given to it, so that replacing a private
 * file does not make it readable to others; a target that is a symbolic link has the file it points to replaced.
 */
final class FileReplacement implements AutoCloseable {

    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private final Writer writer;
    private boolean committed;

    private FileReplacement(Path target, Path temporary, FileChannel channel) {
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
        this.writer = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
                StandardCharsets.UTF_8), 1 << 16);
    }

    /** Starts the replacement of {@code file}, creating its temporary file; the file itself is not touched. */
    static FileReplacement of(Path file) throws IOException {
        Path target = Files.isSymbolicLink(file) && Files.exists(file) ? file.toRealPath() : file;
        if (Files.isDirectory(target)) {
            // A rename would replace an empty directory with the file.
            throw new CommandFailure(ExitCodes.USAGE, file + " is a directory, not a file");
        }
        Path directory = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory)) {
            throw new CommandFailure(ExitCodes.FAILED, "cannot write " + file + ": there is no directory "
                    + (file.getParent() != null ? file.getParent() : directory));
        }
        for (int attempt = 0; ; attempt++) {
            Path temporary = directory.resolve("." + target.getFileName() + ".viper-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16) + ".tmp");
            try {
                FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                FileReplacement replacement = new FileReplacement(target, temporary, channel);
                replacement.keepPermissions();
                return replacement;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private void keepPermissions() throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (view != null && Files.isRegularFile(target)) {
            try {
                Files.setPosixFilePermissions(temporary, view.readAttributes().permissions());
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    /** Where the text goes: UTF-8, buffered. */
    Writer writer() {
        return writer;
    }

    /** Flushes and syncs what was written, and moves it over the target in one rename. */
    void commit() throws IOException {
        writer.flush();
        channel.force(true);
        channel.close();
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Not on Linux or macOS, where a rename within a directory is atomic; a file system without one.
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
        syncDirectory(temporary.getParent());
    }

    /** Makes the rename durable; where a directory cannot be opened for that (Windows), the rename stands as it is. */
    private static void syncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // The file is in place; only its survival of a power cut in the next seconds is left to the system.
        }
    }

    /** Without a commit: deletes the temporary file, leaving the target as it was. */
    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
