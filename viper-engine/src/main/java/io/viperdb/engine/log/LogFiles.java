package io.viperdb.engine.log;

import io.viperdb.CorruptStoreException;
import io.viperdb.StoreIOException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opening and closing the files of a log, with failures reported as the store's own exceptions. */
final class LogFiles {
    private LogFiles() {
    }

    /** Creates a new file for reading and writing; it must not exist. */
    static FileChannel create(Path file) {
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new StoreIOException(file, "creating (a file of that name is in the way)", e);
        } catch (IOException e) {
            throw new StoreIOException(file, "creating", e);
        }
    }

    /**
     * Opens an existing file for reading and writing.
     *
     * @throws CorruptStoreException if it does not exist, since the store's manifest names it
     */
    static FileChannel openExisting(Path file, String what) {
        try {
            return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new CorruptStoreException(file, 0, "the " + what + " that the store's manifest lists is missing");
        } catch (IOException e) {
            throw new StoreIOException(file, "opening", e);
        }
    }

    static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a channel after its data was synced (or abandoned) loses nothing.
        }
    }
}
