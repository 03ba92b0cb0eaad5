package io.viperdb.engine.testing;

import io.viperdb.engine.io.FileAccess;
import io.viperdb.engine.io.MappedRegion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FileAccess} for tests, in the manner of Lucene's crash-simulating directory: it counts every operation
 * that changes a file, can make the Nth one fail with an {@link IOException}, and can cut the power.
 *
 * <p>It keeps a model of what the device holds: for each file (an inode, which follows renames), its content at its
 * last {@code force}; for the directory, its entries at its last sync. {@link #cutPower} turns the real directory into
 * that model: files created, renamed or deleted since the last directory sync are undone, every file goes back to its
 * content at its last force, and optionally a prefix of the last write survives too (a torn write). After the cut,
 * every operation fails, like a machine that lost power, until the test opens the store again with another access.
 *
 * <p>One directory, no subdirectories; the lock file is left alone (it goes through the real file system).
 */
public final class FaultyFileAccess implements FileAccess {

    /** The operations that can be made to fail. */
    public enum Operation { OPEN, WRITE, FORCE, TRUNCATE, MAP, REPLACE, DELETE, SYNC_DIRECTORY }

    /** What a file holds on the device. */
    private static final class Inode {
        byte[] durable;

        Inode(byte[] durable) {
            this.durable = durable;
        }
    }

    private final Path directory;
    private final Map<String, Inode> live = new HashMap<>();
    private Map<String, Inode> durableEntries = new HashMap<>();
    private final AtomicLong operations = new AtomicLong();
    private final Map<Operation, AtomicLong> counts = new java.util.EnumMap<>(Operation.class);
    private volatile long failAt = -1;
    private volatile boolean powerCut;
    private volatile boolean cutInsteadOfFailing;
    private volatile boolean realSync;
    /** Forces on threads whose name starts with this fail; null for none. */
    private volatile String failForcesOn;
    /** The names of the threads that forced, one per force. */
    private final List<String> forcingThreads = Collections.synchronizedList(new ArrayList<>());
    private Inode lastWriteInode;
    private long lastWritePosition;
    private byte[] lastWriteBytes;

    /** Starts with what {@code directory} holds now, all of it taken as already on the device. */
    public FaultyFileAccess(Path directory) {
        this.directory = directory;
        for (Operation operation : Operation.values()) {
            counts.put(operation, new AtomicLong());
        }
        if (Files.isDirectory(directory)) {
            for (Path file : StoreFiles.list(directory)) {
                if (!isLockFile(file)) {
                    live.put(name(file), new Inode(StoreFiles.read(file)));
                }
            }
        }
        durableEntries = new HashMap<>(live);
    }

    private static boolean isLockFile(Path file) {
        return file.getFileName().toString().equals("viper.lock");
    }

    private static String name(Path file) {
        return file.getFileName().toString();
    }

    /** Makes operation number {@code n} (counting from 1) fail with an IOException; the others go through. */
    public FaultyFileAccess failAt(long n) {
        this.failAt = n;
        this.cutInsteadOfFailing = false;
        return this;
    }

    /** Cuts the power just before operation number {@code n}: it and every later one fail. */
    public FaultyFileAccess cutPowerAt(long n) {
        this.failAt = n;
        this.cutInsteadOfFailing = true;
        return this;
    }

    /** Makes forces sync the real files too, for tests that measure how syncs are shared rather than what survives. */
    public FaultyFileAccess withRealSync() {
        this.realSync = true;
        return this;
    }

    /**
     * Makes every force on a thread whose name starts with {@code threadNamePrefix} fail with an IOException; the
     * other operations go through. For the store's background threads, whose operations have no fixed number.
     */
    public FaultyFileAccess failForcesOnThreads(String threadNamePrefix) {
        this.failForcesOn = threadNamePrefix;
        return this;
    }

    /** How many forces, failed ones included, threads whose name starts with {@code threadNamePrefix} made. */
    public long forcesOnThreads(String threadNamePrefix) {
        synchronized (forcingThreads) {
            return forcingThreads.stream().filter(name -> name.startsWith(threadNamePrefix)).count();
        }
    }

    /** The number of operations so far. */
    public long operations() {
        return operations.get();
    }

    /** The number of operations of one kind so far. */
    public long count(Operation operation) {
        return counts.get(operation).get();
    }

    public boolean powerIsCut() {
        return powerCut;
    }

    private synchronized void step(Operation operation, Path file) throws IOException {
        if (powerCut) {
            throw new IOException("power is off (" + operation + " of " + file + ")");
        }
        long n = operations.incrementAndGet();
        counts.get(operation).incrementAndGet();
        if (n == failAt) {
            if (cutInsteadOfFailing) {
                powerCut = true;
                throw new IOException("power cut at operation " + n + " (" + operation + " of " + file + ")");
            }
            throw new IOException("injected failure of operation " + n + " (" + operation + " of " + file + ")");
        }
    }

    private Path pathOf(Inode inode) {
        for (Map.Entry<String, Inode> entry : live.entrySet()) {
            if (entry.getValue() == inode) {
                return directory.resolve(entry.getKey());
            }
        }
        return null;
    }

    @Override
    public synchronized FileChannel open(Path file, OpenOption... options) throws IOException {
        step(Operation.OPEN, file);
        FileChannel channel = FileChannel.open(file, options);
        Set<OpenOption> set = Set.of(options);
        Inode inode = live.get(name(file));
        if (inode == null && (set.contains(StandardOpenOption.CREATE) || set.contains(StandardOpenOption.CREATE_NEW))) {
            inode = new Inode(new byte[0]);
            inode.durable = null;
            live.put(name(file), inode);
        }
        return new Channel(channel, inode);
    }

    /** Counts the mapping as a {@link Operation#MAP} of the file (and may fail it), then maps the real channel. */
    @Override
    public MappedRegion map(FileChannel channel, long size) throws IOException {
        Channel faulty = (Channel) channel;
        step(Operation.MAP, faulty.file());
        return FileAccess.real().map(faulty.real, size);
    }

    @Override
    public synchronized void replace(Path source, Path target) throws IOException {
        step(Operation.REPLACE, target);
        Files.move(source, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        live.put(name(target), live.remove(name(source)));
    }

    @Override
    public synchronized boolean deleteIfExists(Path file) throws IOException {
        step(Operation.DELETE, file);
        live.remove(name(file));
        return Files.deleteIfExists(file);
    }

    @Override
    public synchronized void syncDirectory(Path dir) throws IOException {
        step(Operation.SYNC_DIRECTORY, dir);
        durableEntries = new HashMap<>(live);
    }

    /**
     * Turns the directory into what the device holds (see the class comment). The store that was open must have
     * been closed or abandoned first, since its files change under it.
     *
     * @param tear if not null, a random prefix of the last write survives, chosen with this random
     */
    public synchronized void cutPower(Random tear) {
        powerCut = true;
        for (Path file : StoreFiles.list(directory)) {
            if (!isLockFile(file)) {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        for (Map.Entry<String, Inode> entry : durableEntries.entrySet()) {
            byte[] content = entry.getValue().durable == null ? new byte[0] : entry.getValue().durable;
            if (tear != null && entry.getValue() == lastWriteInode && lastWriteBytes.length > 0) {
                content = torn(content, tear);
            }
            StoreFiles.write(directory.resolve(entry.getKey()), content);
        }
    }

    private byte[] torn(byte[] durable, Random tear) {
        int kept = tear.nextInt(lastWriteBytes.length + 1);
        long end = Math.max(durable.length, lastWritePosition + kept);
        if (end > Integer.MAX_VALUE - 8) {
            return durable;
        }
        byte[] content = Arrays.copyOf(durable, (int) end);
        System.arraycopy(lastWriteBytes, 0, content, (int) lastWritePosition, kept);
        return content;
    }

    /** A channel that counts and fails its writes, forces and truncations, and records what forces keep. */
    private final class Channel extends FileChannel {
        private final FileChannel real;
        private final Inode inode;

        Channel(FileChannel real, Inode inode) {
            this.real = real;
            this.inode = inode;
        }

        private Path file() {
            synchronized (FaultyFileAccess.this) {
                Path path = pathOf(inode);
                return path == null ? directory.resolve("(deleted)") : path;
            }
        }

        private void noteWrite(ByteBuffer src, long position) {
            synchronized (FaultyFileAccess.this) {
                byte[] bytes = new byte[src.remaining()];
                src.duplicate().get(bytes);
                lastWriteInode = inode;
                lastWritePosition = position;
                lastWriteBytes = bytes;
            }
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            step(Operation.WRITE, file());
            noteWrite(src, position);
            return real.write(src, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            step(Operation.WRITE, file());
            noteWrite(src, real.position());
            return real.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            String thread = Thread.currentThread().getName();
            forcingThreads.add(thread);
            String failing = failForcesOn;
            if (failing != null && thread.startsWith(failing)) {
                throw new IOException("injected failure of a force of " + file() + " on thread " + thread);
            }
            step(Operation.FORCE, file());
            // The model decides what survives a power cut, so the real sync would only make campaigns slow.
            if (realSync) {
                real.force(metaData);
            }
            synchronized (FaultyFileAccess.this) {
                Path path = pathOf(inode);
                if (path != null && inode != null) {
                    inode.durable = Files.readAllBytes(path);
                }
            }
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            step(Operation.TRUNCATE, file());
            real.truncate(size);
            return this;
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            // The engine maps through FaultyFileAccess.map, which fails or counts the mapping there.
            return real.map(mode, position, size);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new UnsupportedOperationException("the engine does not transfer into its files");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
