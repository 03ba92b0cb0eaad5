package io.viperdb.it;

import io.viperdb.CodecException;
import io.viperdb.CodecMismatchException;
import io.viperdb.KeyValueStore;
import io.viperdb.SalvageReport;
import io.viperdb.StoreClosedException;
import io.viperdb.StoreLockedException;
import io.viperdb.StoreOptions;
import io.viperdb.UnknownCodecException;
import io.viperdb.ViperException;
import io.viperdb.it.codec.ReversedTextCodec;
import io.viperdb.it.model.Account;
import io.viperdb.it.model.Point;
import io.viperdb.spi.BytesCodec;
import io.viperdb.spi.ValueCodec;
import io.viperdb.spi.ValueCodecs;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a user of the API can count on, checked from a client module in a real JVM: run with the engine and codecs on
 * the module path (or the class path), it prints {@code PASS name} or {@code FAIL name: why} for each check and exits
 * with 1 if any failed. With {@code --no-engine} it expects the engine to be absent and checks the error says so.
 */
public final class ClientChecks {

    private final Path work;
    private final List<String> failures = new ArrayList<>();

    private ClientChecks(Path work) {
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        boolean noEngine = args.length > 0 && args[0].equals("--no-engine");
        Path work = Files.createTempDirectory("viper-client-checks");
        ClientChecks checks = new ClientChecks(work);
        if (noEngine) {
            checks.check("missing engine is named", checks::missingEngineIsNamed);
        } else {
            checks.runAll();
        }
        System.out.println(checks.failures.isEmpty() ? "ALL PASSED" : "FAILED: " + checks.failures);
        System.exit(checks.failures.isEmpty() ? 0 : 1);
    }

    private void runAll() {
        check("module layer", this::moduleLayer);
        check("codecs found by ServiceLoader", this::codecsFound);
        check("json by default", this::jsonByDefault);
        check("json values round trip", this::jsonValues);
        check("json refuses what it cannot give back", this::jsonRefuses);
        check("kryo stores records and classes", this::kryoValues);
        check("a codec of the user's module", this::ownCodec);
        check("codec mismatch refused", this::codecMismatch);
        check("unknown codec refused", this::unknownCodec);
        check("one opener", this::oneOpener);
        check("bad input", this::badInput);
        check("expiry", this::expiry);
        check("reclaim", this::reclaim);
        check("salvage", this::salvage);
    }

    private interface Check {
        void run() throws Exception;
    }

    private void check(String name, Check check) {
        try {
            check.run();
            System.out.println("PASS " + name);
        } catch (Throwable t) {
            failures.add(name);
            System.out.println("FAIL " + name + ": " + t);
            t.printStackTrace(System.out);
        }
    }

    private static void expect(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    private static void expectEqual(Object expected, Object actual, String what) {
        if (!Objects.deepEquals(expected, actual)) {
            throw new AssertionError(what + ": expected " + describe(expected) + " but was " + describe(actual));
        }
    }

    private static String describe(Object value) {
        if (value instanceof byte[] bytes) {
            return "byte[]" + Arrays.toString(bytes);
        }
        return value == null ? "null" : value + " (" + value.getClass().getName() + ")";
    }

    private static <T extends Throwable> T expectThrows(Class<T> type, Check call, String what) {
        try {
            call.run();
        } catch (Throwable t) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            throw new AssertionError(what + ": expected " + type.getSimpleName() + " but got " + t, t);
        }
        throw new AssertionError(what + ": expected " + type.getSimpleName() + " but nothing was thrown");
    }

    private Path store(String name) {
        return work.resolve(name);
    }

    private void moduleLayer() {
        Module module = ClientChecks.class.getModule();
        if (!module.isNamed()) {
            System.out.println("  (running on the class path)");
            return;
        }
        expectEqual("io.viperdb.it", module.getName(), "this module");
        ModuleLayer layer = module.getLayer();
        for (String name : List.of("io.viperdb.api", "io.viperdb.engine", "io.viperdb.codec.json",
                "io.viperdb.codec.kryo")) {
            Module found = layer.findModule(name).orElseThrow(() -> new AssertionError(name + " not resolved"));
            expect(found.getDescriptor() != null && !found.getDescriptor().isAutomatic(), name + " is explicit");
        }
        expect(!module.canRead(layer.findModule("io.viperdb.engine").orElseThrow()),
                "the client does not read the engine: it reaches it through ServiceLoader only");
    }

    private void codecsFound() {
        expectEqual(Set.of(BytesCodec.NAME, "json", "kryo", ReversedTextCodec.NAME), ValueCodecs.available(),
                "available codecs");
    }

    private void jsonByDefault() throws Exception {
        Path dir = store("default");
        try (KeyValueStore<Object> kv = KeyValueStore.open(dir)) {
            kv.put("greeting", "hello");
        }
        String manifest = new String(Files.readAllBytes(dir.resolve("viper.manifest")), StandardCharsets.ISO_8859_1);
        expect(manifest.contains("json"), "the manifest records codec json");
        try (KeyValueStore<Object> kv = KeyValueStore.open(dir, StoreOptions.builder().codec("json").build())) {
            expectEqual("hello", kv.get("greeting"), "reopened with json named");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            expectEqual(List.of("00000001.klog", "00000001.vlog", "viper.index", "viper.lock", "viper.manifest",
                    "viper.synced"), names, "files");
        }
    }

    private void jsonValues() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("name", "Ada");
        nested.put("tags", List.of("math", "engines"));
        nested.put("born", 1815);
        nested.put("ratio", 0.5);
        nested.put("alive", false);
        nested.put("nothing", null);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("string", "héllo wörld 🦊");
        values.put("int", 42);
        values.put("long", 1L << 40);
        values.put("big", new BigInteger("123456789012345678901234567890"));
        values.put("double", 3.25);
        values.put("true", true);
        values.put("list", List.of(1, "two", 3.0, List.of()));
        values.put("map", nested);
        values.put("bytes", new byte[] {0, 1, 2, (byte) 0xFF});
        values.put("empty bytes", new byte[0]);
        Path dir = store("json");
        try (KeyValueStore<Object> kv = KeyValueStore.open(dir)) {
            values.forEach(kv::put);
        }
        try (KeyValueStore<Object> kv = KeyValueStore.open(dir)) {
            values.forEach((key, value) -> expectEqual(value, kv.get(key), "json " + key));
            expectEqual(Integer.class, kv.get("int").getClass(), "small whole numbers come back as Integer");
            expectEqual(Long.class, kv.get("long").getClass(), "larger ones as Long");
        }
    }

    private void jsonRefuses() {
        try (KeyValueStore<Object> kv = KeyValueStore.open(store("json-refuses"))) {
            CodecException e = expectThrows(CodecException.class, () -> kv.put("p", new Point(1, 2, "a")),
                    "a record is not a JSON value");
            expectEqual("json", e.codecName(), "the codec is named");
            expect(e.getMessage().contains(Point.class.getName()), "the type is named: " + e.getMessage());
            expectThrows(CodecException.class, () -> kv.put("nan", Double.NaN), "NaN");
            expect(!kv.containsKey("p") && kv.size() == 0, "nothing was written");
        }
    }

    private void kryoValues() {
        StoreOptions kryo = StoreOptions.builder().codec("kryo").build();
        Point point = new Point(3, 4, "home");
        Account account = new Account("ada", 1_000_000, new ArrayList<>(List.of(point, new Point(0, 0, "origin"))));
        Path dir = store("kryo");
        try (KeyValueStore<Object> kv = KeyValueStore.open(dir, kryo)) {
            kv.put("point", point);
            kv.put("account", account);
            kv.put("points", new ArrayList<>(List.of(point, point)));
        }
        try (KeyValueStore<Object> kv = KeyValueStore.open(dir)) {
            expectEqual(point, kv.get("point"), "a record");
            expectEqual(account, kv.get("account"), "a class without a no-argument constructor");
            expectEqual(List.of(point, point), kv.get("points"), "a list of records");
        }
    }

    private void ownCodec() throws Exception {
        StoreOptions own = StoreOptions.builder().codec(ReversedTextCodec.NAME).build();
        Path dir = store("own");
        try (KeyValueStore<String> kv = KeyValueStore.open(dir, own)) {
            kv.put("k", "stressed");
        }
        String log = new String(Files.readAllBytes(dir.resolve("00000001.vlog")), StandardCharsets.UTF_8);
        expect(log.contains("desserts") && !log.contains("stressed"), "the user's codec wrote the bytes");
        try (KeyValueStore<String> kv = KeyValueStore.open(dir)) {
            expectEqual("stressed", kv.get("k"), "found by name from the manifest");
        }
    }

    private void codecMismatch() {
        Path dir = store("mismatch");
        try (KeyValueStore<Object> kv = KeyValueStore.open(dir)) {
            kv.put("k", "v");
        }
        CodecMismatchException e = expectThrows(CodecMismatchException.class,
                () -> KeyValueStore.open(dir, StoreOptions.builder().codec("kryo").build()), "json store as kryo");
        expect(e.getMessage().contains("'json'") && e.getMessage().contains("'kryo'"),
                "both names in the message: " + e.getMessage());
        try (KeyValueStore<Object> kv = KeyValueStore.open(dir)) {
            expectEqual("v", kv.get("k"), "the refused open changed nothing");
        }
    }

    private void unknownCodec() {
        UnknownCodecException e = expectThrows(UnknownCodecException.class,
                () -> KeyValueStore.open(store("unknown"), StoreOptions.builder().codec("yaml").build()), "yaml");
        expect(e.getMessage().contains("'yaml'") && e.getMessage().contains("bytes, json, kryo, " + ReversedTextCodec.NAME),
                "the available codecs are listed: " + e.getMessage());
        expect(!Files.exists(store("unknown")), "no directory was created");
    }

    private void oneOpener() {
        Path dir = store("lock");
        try (KeyValueStore<Object> kv = KeyValueStore.open(dir)) {
            kv.put("k", "v");
            StoreLockedException e = expectThrows(StoreLockedException.class, () -> KeyValueStore.open(dir),
                    "second opener");
            expect(e.getMessage().contains(dir.toString()), "the store is named: " + e.getMessage());
        }
    }

    private void badInput() throws Exception {
        KeyValueStore<Object> kv = KeyValueStore.open(store("bad"));
        expectThrows(NullPointerException.class, () -> kv.put(null, "v"), "null key");
        expectThrows(NullPointerException.class, () -> kv.put("k", null), "null value");
        expectThrows(IllegalArgumentException.class, () -> kv.put("k".repeat(5000), "v"), "oversized key");
        expectThrows(IllegalArgumentException.class, () -> kv.put("k", "v", Duration.ZERO), "zero time to live");
        kv.close();
        kv.close();
        expectThrows(StoreClosedException.class, () -> kv.get("k"), "use after close");
        Path file = Files.writeString(work.resolve("a-file"), "x");
        expectThrows(ViperException.class, () -> KeyValueStore.open(file), "a regular file");
    }

    private void expiry() {
        try (KeyValueStore<Object> kv = KeyValueStore.open(store("expiry"))) {
            kv.put("short", "lived", Duration.ofMillis(1));
            kv.put("long", "lived", Duration.ofHours(1));
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (kv.containsKey("short") && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            expect(!kv.containsKey("short"), "expired by the system clock");
            expectEqual(1L, kv.size(), "size counts live keys");
        }
    }

    private void reclaim() {
        Path dir = store("reclaim");
        try (KeyValueStore<Object> kv = KeyValueStore.open(dir)) {
            for (int i = 0; i < 5000; i++) {
                kv.put("k" + (i % 100), "value " + i);
            }
            var result = kv.reclaim();
            expect(result.bytesAfter() < result.bytesBefore() / 10, "reclaim frees space: " + result);
            expectEqual("value 4999", kv.get("k99"), "the newest value survives");
        }
    }

    /**
     * A store written with a codec that only this method knows (so it is on no module path) and then damaged: salvage
     * copies every other key's bytes into a new store that records the codec's name, and names the damage.
     */
    private void salvage() throws Exception {
        ValueCodec<String> unregistered = new ValueCodec<>() {
            @Override
            public String name() {
                return "client-only";
            }

            @Override
            public byte[] encode(String value) {
                return value.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(ByteBuffer bytes) {
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(bytes.position(), copy);
                return new String(copy, StandardCharsets.UTF_8);
            }
        };
        StoreOptions options = StoreOptions.builder().codec(unregistered).build();
        Path dir = store("damaged");
        try (KeyValueStore<String> kv = KeyValueStore.open(dir, options)) {
            for (int i = 0; i < 100; i++) {
                // Each value ends in '.', so that no value is a prefix of another and the bytes that follow one (the
                // next record's header) cannot make it look like another: "value 4" then a header byte '2' did.
                kv.put("k" + i, "value " + i + ".");
            }
        }
        Path valueLog = dir.resolve("00000001.vlog");
        byte[] bytes = Files.readAllBytes(valueLog);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("value 42.");
        bytes[at] ^= 0x01;
        Files.write(valueLog, bytes);
        byte[] damaged = Files.readAllBytes(valueLog);

        SalvageReport report = KeyValueStore.salvage(dir, store("salvaged"));

        expect(!report.complete(), "the damage is reported");
        expectEqual(1, report.damagedRanges().size(), "damaged ranges: " + report.damagedRanges());
        expectEqual(valueLog, report.damagedRanges().get(0).file(), "the damaged file");
        expectEqual(List.of("k42"), report.lostKeys(), "lost keys");
        expectEqual(99L, report.keys(), "keys salvaged");
        expect(Arrays.equals(damaged, Files.readAllBytes(valueLog)), "the damaged store is left as it was");
        try (KeyValueStore<String> salvaged = KeyValueStore.open(store("salvaged"), options)) {
            expectEqual("value 41.", salvaged.get("k41"), "a value copied byte for byte");
            expectEqual(null, salvaged.get("k42"), "the lost key");
        }
    }

    private void missingEngineIsNamed() {
        ViperException e = expectThrows(ViperException.class, () -> KeyValueStore.open(store("none")), "no engine");
        expect(e.getMessage().contains("io.viperdb.engine") && e.getMessage().contains("viper-engine"),
                "the message says which module to add: " + e.getMessage());
    }
}
