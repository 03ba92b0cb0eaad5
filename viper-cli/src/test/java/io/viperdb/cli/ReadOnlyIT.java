package io.viperdb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.spi.ValueCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import io.viperdb.cli.Launched.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that only read open the store read-only, in real JVMs through the {@code viper} script: they change
 * no byte of a store left by a kill, read a store whose files cannot be changed, share a store with other readers and
 * are kept out by a writer; those that need no values open a store whatever its codec.
 */
class ReadOnlyIT {

    @TempDir
    Path cwd;

    /** Starts {@code viper ARGS} itself (the script execs java, so the process is the JVM). */
    private ProcessBuilder viper(String... args) {
        List<String> command = new ArrayList<>(List.of(Launched.script().toString()));
        command.addAll(List.of(args));
        return Launched.prepare(new ProcessBuilder(command).directory(cwd.toFile()));
    }

    private Result run(String... args) throws IOException, InterruptedException {
        return finish(viper(args).start(), String.join(" ", args));
    }

    private static Result finish(Process process, String what) throws InterruptedException {
        return Launched.finish(process, "viper " + what);
    }

    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.toList()) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }

    private static void assertUnchanged(Map<String, byte[]> before, Path dir, String context) throws IOException {
        Map<String, byte[]> after = contents(dir);
        assertEquals(before.keySet(), after.keySet(), context + ": the files");
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name), after.get(name), context + ": the bytes of " + name);
        }
    }

    private static String line(int i) {
        return "{\"key\":\"key:" + i + "\",\"value\":\"" + "v".repeat(80) + i + "\"}\n";
    }

    /** An import killed with SIGKILL while its input stays open: its last records are torn, and it held the lock. */
    private Path storeLeftByAKill() throws Exception {
        Process importing = viper("import", "db").start();
        try (OutputStream in = importing.getOutputStream()) {
            for (int i = 0; i < 30_000; i++) {
                in.write(line(i).getBytes(StandardCharsets.UTF_8));
            }
            in.flush();
            Path valueLog = cwd.resolve("db/00000001.vlog");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(valueLog) && Files.size(valueLog) > 1 << 20) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            importing.destroyForcibly();
            assertTrue(importing.waitFor(30, TimeUnit.SECONDS), "killed");
        }
        assertEquals(137, importing.exitValue(), "SIGKILL");
        return cwd.resolve("db");
    }

    @Test
    void readingCommandsChangeNoByteOfAStoreLeftByAKill() throws Exception {
        Path db = storeLeftByAKill();
        Map<String, byte[]> before = contents(db);
        Result verify = run("verify", "db");
        assertEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.out().startsWith("sound: db"), verify.toString());
        assertUnchanged(before, db, "after viper verify");

        for (String[] command : List.of(new String[] {"get", "db", "key:1"}, new String[] {"keys", "db"},
                new String[] {"scan", "db", "--limit", "3"}, new String[] {"info", "db"},
                new String[] {"export", "db", cwd.resolve("out.jsonl").toString()})) {
            Result result = run(command);
            assertEquals(0, result.exitCode(), result.toString());
            assertUnchanged(before, db, "after viper " + String.join(" ", command));
        }
    }

    @Test
    void aStoreWhoseFilesCannotBeChangedIsRead() throws Exception {
        Result put = run("put", "db", "greeting", "\"hello\"");
        assertEquals(0, put.exitCode(), put.toString());
        Path db = cwd.resolve("db");
        assumeTrue(chattr("+i", db), "chattr +i is not available here (needs root and a file system with it)");
        try {
            assertEquals("\"hello\"\n", run("get", "db", "greeting").out());
            for (String command : List.of("keys", "info", "verify", "scan")) {
                Result result = run(command, "db");
                assertEquals(0, result.exitCode(), result.toString());
            }
            Result export = run("export", "db", cwd.resolve("out.jsonl").toString());
            assertEquals(0, export.exitCode(), export.toString());
            Result write = run("put", "db", "other", "1");
            assertEquals(9, write.exitCode(), "a write still fails: the files really are immutable\n" + write);
        } finally {
            assertTrue(chattr("-i", db), "chattr -i");
        }
    }

    @Test
    void readersShareTheStoreAndAWriterWaitsForThem() throws Exception {
        Path db = cwd.resolve("db");
        try (KeyValueStore<Object> store = KeyValueStore.open(db)) {
            for (int i = 0; i < 5_000; i++) {
                store.put("key:" + i, "v".repeat(80) + i);
            }
        }
        // An export to a pipe nobody reads yet blocks with the store open read-only.
        Process exporting = viper("export", "db").start();
        byte[] first = exporting.getInputStream().readNBytes(100);
        assertEquals(100, first.length);

        Result get = run("get", "db", "key:7");
        assertEquals(0, get.exitCode(), "a second reader shares the store\n" + get);
        Result put = run("put", "db", "key:7", "1");
        assertEquals(5, put.exitCode(), put.toString());
        assertTrue(put.err().contains("read-only by another process"), put.toString());

        Result export = finish(exporting, "export db");
        assertEquals(0, export.exitCode(), export.toString());
        assertEquals(5_000, (new String(first, StandardCharsets.UTF_8) + export.out()).lines().count());
        assertEquals(0, run("put", "db", "key:7", "1").exitCode(), "the readers are gone");

        // A writer in another process keeps readers out. It holds the store once it has written its pid into the lock
        // file (readers write nothing there), so that is waited for: a reader polling meanwhile could keep it out.
        Path importErrors = cwd.resolve("import.err");
        Process importing = viper("import", "db").redirectError(importErrors.toFile()).start();
        try (OutputStream in = importing.getOutputStream()) {
            in.write(line(1).getBytes(StandardCharsets.UTF_8));
            in.flush();
            Path lockFile = db.resolve("viper.lock");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (importing.isAlive() && System.nanoTime() < deadline
                    && !Files.readString(lockFile).trim().equals(String.valueOf(importing.pid()))) {
                Thread.sleep(50);
            }
            assertTrue(importing.isAlive(), "the import runs\n" + Files.readString(importErrors));
            Result refused = run("get", "db", "key:1");
            assertEquals(5, refused.exitCode(), refused.toString());
            assertTrue(refused.err().contains("for writing by another process (pid " + importing.pid() + ")"),
                    refused.toString());
        }
        assertEquals(0, finish(importing, "import db").exitCode());
    }

    /** A codec the command line cannot load: built in this test, as KryoCodec.registeredOnly(...) is in a program. */
    private static final class ReversedCodec implements ValueCodec<String> {
        @Override
        public String name() {
            return "reversed";
        }

        @Override
        public byte[] encode(String value) {
            return new StringBuilder(value).reverse().toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(ByteBuffer bytes) {
            return new StringBuilder(StandardCharsets.UTF_8.decode(bytes.duplicate()).toString()).reverse().toString();
        }
    }

    @Test
    void commandsThatNeedNoValuesOpenAStoreWhateverItsCodec() throws Exception {
        Path db = cwd.resolve("db");
        try (KeyValueStore<String> store = KeyValueStore.open(db,
                StoreOptions.builder().codec(new ReversedCodec()).build())) {
            store.put("b", "second");
            store.put("a", "first");
        }
        assertEquals("a\nb\n", run("keys", "db").out());
        Result info = run("info", "db");
        assertEquals(0, info.exitCode(), info.toString());
        assertTrue(info.out().contains("codec         reversed"), info.toString());
        Result verify = run("verify", "db");
        assertEquals(0, verify.exitCode(), verify.toString());

        Result get = run("get", "db", "a");
        assertEquals(6, get.exitCode(), get.toString());
        assertTrue(get.err().contains("written with codec 'reversed'") && get.err().contains("VIPER_MODULE_PATH")
                && get.err().contains("info, keys, verify and salvage need no codec"), get.toString());
    }

    private static boolean chattr(String flag, Path dir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("chattr", flag));
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> command.add(f.toString()));
        }
        command.add(dir.toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return false;
        }
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
