package io.viperdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export writes JSON lines that import reads back into an identical store, for the json, kryo and bytes codecs. */
class ExportImportTest {

    /** A record, which the export writes as an object of its components and the import creates again. */
    public record Point(int x, long y, String label) {
    }

    /** A class that is not a record: it has no JSON form. */
    public static final class Account {
        String owner = "ada";

        @Override
        public boolean equals(Object o) {
            return o instanceof Account a && a.owner.equals(owner);
        }

        @Override
        public int hashCode() {
            return owner.hashCode();
        }
    }

    @TempDir
    Path tmp;

    private Map<String, Object> jsonValues() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("string", "hello, \"world\"\n\ttab é 😀 \u0001");
        values.put("int", 42);
        values.put("long", 1L << 40);
        values.put("big", new BigInteger("123456789012345678901234567890"));
        values.put("double", 0.1);
        values.put("whole double", 3.0);
        values.put("negative zero", -0.0);
        values.put("true", true);
        values.put("list", new ArrayList<>(Arrays.asList(1, "two", null, 3.5, List.of())));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("b", 1);
        nested.put("a", Map.of("deep", List.of(true, false)));
        nested.put("null", null);
        values.put("map", nested);
        values.put("map with @type", new LinkedHashMap<>(Map.of("@type", "not a tag")));
        values.put("bytes", new byte[] {0, 1, 2, 3, (byte) 0xfe});
        values.put("", "the empty key");
        values.put("key with\nnewline and ünïcode", 1);
        return values;
    }

    private Map<String, Object> kryoValues() {
        Map<String, Object> values = new LinkedHashMap<>(jsonValues());
        values.put("small long", 5L);
        values.put("small biginteger", BigInteger.TEN);
        values.put("short", (short) -3);
        values.put("byte", (byte) 7);
        values.put("char", 'x');
        values.put("float", 0.1f);
        values.put("nan", Double.NaN);
        values.put("infinite float", Float.NEGATIVE_INFINITY);
        values.put("decimal", new BigDecimal("1.50"));
        values.put("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        values.put("uri", URI.create("https://example.com/a?b=c"));
        values.put("date", LocalDate.of(2026, 11, 25));
        values.put("datetime", LocalDateTime.of(2026, 11, 25, 4, 29));
        values.put("zoned", ZonedDateTime.of(2026, 11, 25, 4, 29, 0, 0, java.time.ZoneId.of("Europe/Paris")));
        values.put("instant", Instant.ofEpochSecond(1_700_000_000L, 123));
        values.put("duration", Duration.ofMinutes(90));
        values.put("day", DayOfWeek.MONDAY);
        values.put("optional", Optional.of(List.of(1, 2)));
        values.put("empty optional", Optional.empty());
        values.put("hash set", new HashSet<>(Set.of(1, 2, 3)));
        values.put("linked hash set", new LinkedHashSet<>(List.of("c", "a", "b")));
        values.put("tree set", new TreeSet<>(Set.of("b", "a")));
        values.put("linked list", new LinkedList<>(List.of(1L, 2L)));
        values.put("deque", new ArrayDeque<>(List.of("x")));
        values.put("list of", List.of(1, 2, 3));
        values.put("set of", Set.of("one"));
        values.put("map of", Map.of(1, "one", 2, "two"));
        values.put("hash map", new HashMap<>(Map.of("a", 1L, "b", 2)));
        values.put("tree map with int keys", new TreeMap<>(Map.of(3, "three", 1, "one")));
        Map<Object, Object> nullValue = new LinkedHashMap<>();
        nullValue.put(1, null);
        values.put("linked map with a null value", nullValue);
        values.put("record", new Point(1, 2, "two"));
        values.put("records in a list", new ArrayList<>(List.of(new Point(0, 0, "origin"))));
        return values;
    }

    @Test
    void jsonStoreRoundTripsThroughExportAndImport() throws Exception {
        roundTrip("json", jsonValues());
    }

    @Test
    void kryoStoreRoundTripsThroughExportAndImport() throws Exception {
        roundTrip("kryo", kryoValues());
    }

    @Test
    void bytesStoreRoundTripsThroughExportAndImport() throws Exception {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("empty", new byte[0]);
        values.put("blob", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 10});
        roundTrip("bytes", values);
    }

    private void roundTrip(String codec, Map<String, Object> values) throws Exception {
        Path source = tmp.resolve("source");
        try (KeyValueStore<Object> store = KeyValueStore.open(source, StoreOptions.builder().codec(codec).build())) {
            values.forEach(store::put);
        }
        Path file = tmp.resolve("export.jsonl");
        Cli.Run export = Cli.run("export", source.toString(), file.toString());
        assertEquals(ExitCodes.OK, export.exitCode(), export.toString());
        assertEquals("exported " + values.size() + " keys from " + source + " to " + file + "\n", export.out());

        Cli.Run toStdout = Cli.run("export", source.toString());
        assertEquals(Files.readString(file), toStdout.out(), "the same lines on standard output");

        Path copy = tmp.resolve("copy");
        Cli.Run imported = Cli.run("import", "--codec", codec, copy.toString(), file.toString());
        assertEquals(ExitCodes.OK, imported.exitCode(), imported.toString());
        assertEquals("imported " + values.size() + " keys into " + copy + "\n", imported.out());

        Path piped = tmp.resolve("piped");
        Cli.Run fromStdin = Cli.runWithInput(toStdout.out(), "import", "--codec", codec, piped.toString());
        assertEquals(ExitCodes.OK, fromStdin.exitCode(), fromStdin.toString());

        for (Path target : List.of(copy, piped)) {
            try (KeyValueStore<Object> original = KeyValueStore.open(source);
                    KeyValueStore<Object> imported2 = KeyValueStore.open(target)) {
                assertEquals(codec, imported2.stats().codec());
                assertEquals(original.keys(), imported2.keys());
                for (String key : original.keys()) {
                    assertEquals(Shape.of(original.get(key)), Shape.of(imported2.get(key)), "key '" + key + "'");
                }
            }
        }
        // And again: what the copy exports is what the source exported, line for line.
        assertEquals(Files.readString(file), Cli.run("export", copy.toString()).out());
    }

    @Test
    void theLinesAreTheDocumentedFormat() {
        Path source = tmp.resolve("source");
        try (KeyValueStore<Object> store = KeyValueStore.open(source, StoreOptions.builder().codec("kryo").build())) {
            store.put("a", 5L);
            store.put("b", List.of(1, LocalDate.of(2026, 1, 2)));
            store.put("c", new Point(1, 2, "p"));
        }
        assertEquals("""
                {"key":"a","value":{"@type":"long","value":5}}
                {"key":"b","value":{"@type":"List.of","value":[1,{"@type":"java.time.LocalDate","value":"2026-01-02"}]}}
                {"key":"c","value":{"@type":"io.viperdb.cli.ExportImportTest$Point","value":{"x":1,"y":{"@type":"long","value":2},"label":"p"}}}
                """, Cli.run("export", source.toString()).out());
    }

    @Test
    void keysThatAreNotTextAreExportedInBase64AndImportedBack() {
        Path source = tmp.resolve("source");
        byte[] binary = {(byte) 0xFF, 0x00, (byte) 0x80};
        try (KeyValueStore<Object> store = KeyValueStore.open(source)) {
            store.put("b", 2);
            store.byteKeys().put(binary, "binary");
            store.put("a", 1);
            store.put("é", 3);
        }
        String lines = Cli.run("export", source.toString()).out();
        assertEquals("""
                {"key":"a","value":1}
                {"key":"b","value":2}
                {"key":"é","value":3}
                {"key":{"@type":"bytes","value":"/wCA"},"value":"binary"}
                """, lines, "in byte order: 0xC3 (é) before 0xFF");
        Path copy = tmp.resolve("copy");
        Cli.Run imported = Cli.runWithInput(lines, "import", copy.toString());
        assertEquals(ExitCodes.OK, imported.exitCode(), imported.toString());
        try (KeyValueStore<Object> store = KeyValueStore.open(copy)) {
            assertEquals("binary", store.byteKeys().get(binary));
            assertEquals(4, store.size());
        }
        assertEquals("a\nb\né\n0xff0080\n", Cli.run("keys", copy.toString()).out());
        Cli.Run bad = Cli.runWithInput("{\"key\":{\"@type\":\"long\",\"value\":1},\"value\":1}\n", "import",
                tmp.resolve("bad").toString());
        assertTrue(bad.err().contains("viper: line 1 skipped: a line needs a \"key\" that is a string, or "
                + "{\"@type\":\"bytes\",\"value\":BASE64} for a key that is not text\n"), bad.toString());
    }

    @Test
    void valuesWithNoJsonFormAreNamedAndTheExitCodeSaysSo() {
        Path source = tmp.resolve("source");
        try (KeyValueStore<Object> store = KeyValueStore.open(source, StoreOptions.builder().codec("kryo").build())) {
            store.put("fine", "yes");
            store.put("account", new Account());
            store.put("nested", new ArrayList<>(List.of(1, Map.of("who", new Account()))));
            store.put("array", new int[] {1, 2});
        }
        Cli.Run export = Cli.run("export", source.toString());
        assertEquals(ExitCodes.INCOMPLETE, export.exitCode(), export.toString());
        assertEquals("{\"key\":\"fine\",\"value\":\"yes\"}\n", export.out());
        String account = Account.class.getName();
        assertEquals("viper: left out key 'account': value: " + account + " has no JSON form (only records, enums and "
                + "the JDK types listed in the README have one)\n"
                + "viper: left out key 'array': value: [I has no JSON form (only records, enums and the JDK types "
                + "listed in the README have one)\n"
                + "viper: left out key 'nested': value[1].who: " + account + " has no JSON form (only records, enums "
                + "and the JDK types listed in the README have one)\n"
                + "viper: 3 of 4 keys were left out (named above): their values have no JSON form or could not be "
                + "read\n", export.err());

        Cli.Run get = Cli.run("get", source.toString(), "account");
        assertEquals(ExitCodes.INCOMPLETE, get.exitCode());
        Cli.Run scan = Cli.run("scan", source.toString());
        assertEquals(ExitCodes.INCOMPLETE, scan.exitCode());
        assertEquals(export.out(), scan.out());
    }

    @Test
    void importSkipsLinesItCannotReadOrStoreAndSaysWhich() {
        String lines = """
                {"key":"a","value":1}
                not json

                {"key":"b"}
                {"key":"c","value":{"@type":"java.time.LocalDate","value":"2026-11-25"}}
                {"key":"d","value":2,"ttl":5}
                {"key":"e","value":{"@type":"no.such.Type","value":1}}
                {"key":"a","value":3}
                """;
        Path target = tmp.resolve("target");
        Cli.Run run = Cli.runWithInput(lines, "import", target.toString());
        assertEquals(ExitCodes.INCOMPLETE, run.exitCode(), run.toString());
        assertEquals("imported 2 keys into " + target + "\n", run.out());
        List<String> err = run.err().lines().toList();
        assertTrue(err.get(0).startsWith("viper: line 2 skipped: not JSON"), err.get(0));
        assertTrue(err.get(1).startsWith("viper: line 4 skipped: the line of key 'b' needs a \"value\""), err.get(1));
        assertTrue(err.get(2).startsWith("viper: line 5 skipped: Codec 'json' cannot encode a value of type "
                + "java.time.LocalDate"), err.get(2));
        assertTrue(err.get(3).startsWith("viper: line 6 skipped: the line of key 'd' has a member \"ttl\""),
                err.get(3));
        assertTrue(err.get(4).startsWith("viper: line 7 skipped: value: unknown \"@type\" 'no.such.Type'"),
                err.get(4));
        assertEquals("viper: created a new store at " + target + " (codec json)", err.get(5), "once it is kept");
        assertEquals("viper: 5 lines were skipped (named above)", err.get(6));
        assertEquals("{\"key\":\"a\",\"value\":3}\n", Cli.run("scan", target.toString()).out(), "later lines win");
    }

    @Test
    void exportWritesEachKeysExpiryAndImportRestoresIt() {
        Path source = tmp.resolve("source");
        Instant later = Instant.now().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try (KeyValueStore<Object> store = KeyValueStore.open(source)) {
            store.put("forever", 1);
            store.put("session", "token", later);
        }
        Cli.Run export = Cli.run("export", source.toString());
        assertEquals(ExitCodes.OK, export.exitCode(), export.toString());
        assertEquals("{\"key\":\"forever\",\"value\":1}\n"
                + "{\"key\":\"session\",\"value\":\"token\",\"expiresAt\":\"" + later + "\"}\n", export.out());

        Path copy = tmp.resolve("copy");
        String lines = export.out() + "{\"key\":\"stale\",\"value\":2,\"expiresAt\":\"2001-01-01T00:00:00Z\"}\n";
        Cli.Run imported = Cli.runWithInput(lines, "import", copy.toString());
        assertEquals(ExitCodes.OK, imported.exitCode(), imported.toString());
        try (KeyValueStore<Object> store = KeyValueStore.open(copy)) {
            assertEquals(Optional.empty(), store.expiresAt("forever"));
            assertEquals(Optional.of(later), store.expiresAt("session"));
            assertEquals(Set.of("forever", "session"), store.keys(), "a line whose expiry has passed stays absent");
        }
    }

    @Test
    void importRefusesAnExpiryThatIsNotAnInstant() {
        Path target = tmp.resolve("target");
        Cli.Run run = Cli.runWithInput("""
                {"key":"a","value":1,"expiresAt":"tomorrow"}
                {"key":"b","value":1,"expiresAt":5}
                {"key":"c","value":1}
                """, "import", target.toString());
        assertEquals(ExitCodes.INCOMPLETE, run.exitCode(), run.toString());
        List<String> err = run.err().lines().toList();
        assertEquals("viper: line 1 skipped: the line of key 'a' has an \"expiresAt\" that is not an instant in UTC "
                + "such as \"2026-12-05T06:00:00.250Z\": \"tomorrow\"", err.get(0));
        assertTrue(err.get(1).startsWith("viper: line 2 skipped: the line of key 'b' has an \"expiresAt\""),
                err.get(1));
    }

    private static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) part);
        }
        return out.toByteArray();
    }

    @Test
    void importRefusesALineThatIsNotUtf8NamingItAndImportsTheRest() throws Exception {
        byte[] input = bytes("{\"key\":\"a\",\"value\":1}\n",
                "{\"key\":\"caf", new byte[] {(byte) 0xE9}, "\",\"value\":2}\n", // é in Latin-1
                "{\"key\":\"c\",\"value\":\"cr\u00e8me\"}\r\n");
        Path target = tmp.resolve("target");
        Cli.Run run = Cli.runWithInput(input, "import", target.toString());
        assertEquals(ExitCodes.INCOMPLETE, run.exitCode(), run.toString());
        assertEquals("{\"key\":\"a\",\"value\":1}\n{\"key\":\"c\",\"value\":\"crème\"}\n",
                Cli.run("scan", target.toString()).out(), "the other lines, and no mangled key");
        assertTrue(run.err().contains("viper: line 2 skipped: not UTF-8 text: byte 12 of the line (0xe9) starts a "
                + "sequence that is not a UTF-8 character\n"), run.err());

        Path file = Files.write(tmp.resolve("latin1.jsonl"), input);
        Path fromFile = tmp.resolve("from-file");
        Cli.Run again = Cli.run("import", fromFile.toString(), file.toString());
        assertEquals(ExitCodes.INCOMPLETE, again.exitCode(), again.toString());
        assertTrue(again.err().contains("viper: line 2 skipped: not UTF-8 text"), again.err());
    }

    @Test
    void aByteOrderMarkAtTheStartOfTheInputIsSkipped() throws Exception {
        byte[] input = bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "{\"key\":\"a\",\"value\":1}\n");
        Cli.Run piped = Cli.runWithInput(input, "import", tmp.resolve("piped").toString());
        assertEquals(ExitCodes.OK, piped.exitCode(), piped.toString());
        assertEquals("{\"key\":\"a\",\"value\":1}\n", Cli.run("scan", tmp.resolve("piped").toString()).out());

        Path file = Files.write(tmp.resolve("bom.jsonl"), input);
        Cli.Run fromFile = Cli.run("import", tmp.resolve("copy").toString(), file.toString());
        assertEquals(ExitCodes.OK, fromFile.exitCode(), fromFile.toString());

        byte[] bomLater = bytes("{\"key\":\"a\",\"value\":1}\n", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "{\"key\":\"b\",\"value\":1}\n");
        Cli.Run later = Cli.runWithInput(bomLater, "import", tmp.resolve("later").toString());
        assertEquals(ExitCodes.INCOMPLETE, later.exitCode(), "a byte order mark is skipped only at the start: "
                + later);
    }

    @Test
    void aFirstImportThatImportsNothingLeavesNoStoreBehindButAnEmptyInputMakesAnEmptyStore() {
        Path target = tmp.resolve("target");
        Cli.Run run = Cli.runWithInput("not json\n{\"key\":\"b\"}\n", "import", target.toString());
        assertEquals(ExitCodes.INCOMPLETE, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("imported 0 keys into " + target), run.out());
        assertFalse(run.err().contains("created"), run.err());
        assertFalse(Files.exists(target), "no store, and no directory, is left");

        Cli.Run empty = Cli.runWithInput("", "import", target.toString());
        assertEquals(ExitCodes.OK, empty.exitCode(), empty.toString());
        assertEquals("viper: created a new store at " + target + " (codec json)\n", empty.err());
        assertEquals(ExitCodes.OK, Cli.run("info", target.toString()).exitCode(), "an empty export, imported");
    }

    @Test
    void countsOfOneAreSingular() {
        Path source = tmp.resolve("source");
        try (KeyValueStore<Object> store = KeyValueStore.open(source, StoreOptions.builder().codec("kryo").build())) {
            store.put("fine", "yes");
            store.put("account", new Account());
        }
        Cli.Run leftOut = Cli.run("export", source.toString(), tmp.resolve("out.jsonl").toString());
        assertEquals(ExitCodes.INCOMPLETE, leftOut.exitCode(), leftOut.toString());
        assertEquals("exported 1 key from " + source + " to " + tmp.resolve("out.jsonl") + "\n", leftOut.out());
        assertTrue(leftOut.err().endsWith("viper: 1 of 2 keys was left out (named above): its value has no JSON "
                + "form or could not be read\n"), leftOut.err());

        Path target = tmp.resolve("target");
        Cli.Run imported = Cli.runWithInput("{\"key\":\"a\",\"value\":1}\nnot json\n", "import", target.toString());
        assertEquals("imported 1 key into " + target + "\n", imported.out());
        assertTrue(imported.err().endsWith("viper: 1 line was skipped (named above)\n"), imported.err());
    }

    @Test
    void importProgressShowsTheBytesReadOfTheFilesSize() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            lines.append("{\"key\":\"k").append(i).append("\",\"value\":\"").append("x".repeat(100)).append("\"}\n");
        }
        Path file = Files.writeString(tmp.resolve("in.jsonl"), lines);
        java.io.ByteArrayOutputStream drawn = new java.io.ByteArrayOutputStream();
        java.io.StringWriter out = new java.io.StringWriter();
        int exitCode = Viper.commandLine(java.io.InputStream.nullInputStream(), new java.io.PrintWriter(out),
                new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintStream(drawn, true, StandardCharsets.UTF_8))
                .execute("import", tmp.resolve("db").toString(), file.toString());
        assertEquals(ExitCodes.OK, exitCode, out.toString());
        String progress = drawn.toString(StandardCharsets.UTF_8);
        String total = Pattern.quote(Units.bytes(Files.size(file)));
        assertTrue(progress.matches("(?s)\rimport \\[ *\\] [\\d.]+ (B|KiB)/" + total + " \\(0%\\) .*"),
                "the first line drawn, at the first line read: " + progress);
        assertTrue(progress.endsWith("\r\u001b[K"), "cleared at the end");
    }

    @Test
    void importOfAMissingFileSaysSo() {
        Cli.Run run = Cli.run("import", tmp.resolve("db").toString(), tmp.resolve("nope.jsonl").toString());
        assertEquals(ExitCodes.FAILED, run.exitCode(), run.toString());
        assertEquals("viper: no such file: " + tmp.resolve("nope.jsonl") + "\n", run.err());
    }

    /** A value's classes and contents, in an order that does not depend on hashing, to compare two values by. */
    static final class Shape {
        private Shape() {
        }

        static String of(Object value) {
            if (value == null) {
                return "null";
            }
            String type = value.getClass().getName();
            if (value instanceof byte[] bytes) {
                return type + Arrays.toString(bytes);
            }
            if (value instanceof Map<?, ?> map) {
                List<String> entries = new ArrayList<>();
                map.forEach((k, v) -> entries.add(of(k) + "=" + of(v)));
                if (!(value instanceof LinkedHashMap) && !(value instanceof TreeMap)) {
                    entries.sort(null);
                }
                return type + entries;
            }
            if (value instanceof Iterable<?> iterable) {
                List<String> elements = new ArrayList<>();
                iterable.forEach(e -> elements.add(of(e)));
                if (value instanceof Set && !(value instanceof LinkedHashSet) && !(value instanceof TreeSet)) {
                    elements.sort(null);
                }
                return type + elements;
            }
            if (value instanceof Optional<?> optional) {
                return type + "(" + optional.map(Shape::of).orElse("") + ")";
            }
            if (value instanceof Record) {
                return type + value;
            }
            return type + ":" + value;
        }
    }
}
