package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import io.viperdb.cli.json.JsonText;
import io.viperdb.cli.json.ValueJson;
import io.viperdb.spi.BytesCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code viper put STORE KEY VALUE}: maps a key to a JSON value, a string or a file's bytes. */
@Command(name = "put", mixinStandardHelpOptions = true,
        description = {"Maps KEY to VALUE, written as JSON, in the store; creates the store when the directory is "
                + "absent or empty (a directory of other files is refused, exit code 4), and removes it again if "
                + "the put fails.",
            "Numbers, strings in double quotes, true/false, arrays and objects are stored as the codec stores them; "
                + "a tagged object such as {\"@type\":\"java.time.LocalDate\",\"value\":\"2026-11-25\"} stores "
                + "another type (see README, Command line)."},
        footer = {"", "Examples:", "  viper put ./db greeting '\"hello, world\"'", "  viper put ./db greeting --string "
                + "'hello, world'", "  viper put ./db user:ada '{\"name\":\"Ada\",\"born\":1815}'",
            "  viper put ./db session '\"token\"' --ttl 30m",
            "  viper put --codec bytes ./images logo --file logo.png"})
final class PutCommand extends StoreCommand {

    @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
    String key;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VALUE",
            description = "The value, as JSON; or give --string or --file instead.")
    String json;

    @Option(names = {"-s", "--string"}, paramLabel = "TEXT",
            description = "Store TEXT as a string (as UTF-8 bytes in a bytes store), no JSON quoting needed.")
    String text;

    @Option(names = "--file", paramLabel = "FILE", description = "Store the bytes of FILE as a byte[] (at most "
            + "1,023 MiB; a larger file is refused with exit code 6 before it is read).")
    Path file;

    @Option(names = "--codec", paramLabel = "NAME",
            description = "The codec of a new store (default json); for an existing store it must be its own.")
    String codec;

    @Option(names = "--ttl", paramLabel = "DURATION",
            description = "Expire the key after this time: 90s, 30m, 12h, 7d or ISO-8601 (PT1H30M).")
    String ttl;

    @Override
    public Integer call() throws IOException {
        // Everything that can be checked is checked before the store is opened, or created.
        Duration timeToLive = ttl == null ? null : parseDuration(ttl);
        checkKey(key);
        Object value = value();
        try (WritableStore target = WritableStore.open(store, codec, err())) {
            KeyValueStore<Object> db = target.store();
            if (value instanceof String s && db.stats().codec().equals(BytesCodec.NAME) && text != null) {
                value = s.getBytes(StandardCharsets.UTF_8);
            }
            if (timeToLive == null) {
                db.put(key, value);
            } else {
                db.put(key, value, timeToLive);
            }
            target.keep();
        }
        return ExitCodes.OK;
    }

    /** Checks the length of a key as the store will (a key from a shell is always Unicode text: no surrogates). */
    private static void checkKey(String key) {
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > KeyValueStore.MAX_KEY_BYTES) {
            throw new CommandFailure(ExitCodes.USAGE, String.format(Locale.ROOT, "KEY is %,d bytes in UTF-8; a key "
                    + "holds at most %,d", bytes, KeyValueStore.MAX_KEY_BYTES));
        }
    }

    private Object value() throws IOException {
        int given = (json != null ? 1 : 0) + (text != null ? 1 : 0) + (file != null ? 1 : 0);
        if (given != 1) {
            throw new CommandFailure(ExitCodes.USAGE, "give the value once: as JSON (VALUE), --string TEXT or "
                    + "--file FILE");
        }
        if (file != null) {
            return read(file);
        }
        if (text != null) {
            return text;
        }
        Object parsed;
        try {
            parsed = JsonText.parse(json);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(ExitCodes.USAGE, "VALUE is " + e.getMessage() + "; write a string in double "
                    + "quotes ('\"hello\"'), or use --string hello");
        }
        if (parsed == null) {
            throw new CommandFailure(ExitCodes.USAGE, "VALUE is null; a store holds no nulls (use 'viper rm')");
        }
        return ValueJson.fromJson(parsed);
    }

    /**
     * The bytes of {@code file}, which is first checked to be a file that a value can hold: one too large would be
     * read whole (seconds, and as much memory) only for the store to refuse it.
     */
    private static byte[] read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new CommandFailure(ExitCodes.USAGE, "--file " + file + " is a directory, not a file");
        }
        long size = Files.size(file); // a missing file: NoSuchFileException, "no such file: FILE", exit code 9
        if (size > KeyValueStore.MAX_VALUE_BYTES) {
            // Rounded up, so that a file just over the limit never shows as the limit itself.
            throw new CommandFailure(ExitCodes.CODEC, String.format(Locale.ROOT, "--file %s is %,.1f MiB; a value "
                    + "holds at most %,d MiB", file, Math.ceil(size * 10.0 / (1 << 20)) / 10,
                    KeyValueStore.MAX_VALUE_BYTES >> 20));
        }
        return Files.readAllBytes(file);
    }

    /** Reads 90s, 30m, 12h, 7d, 500ms, or an ISO-8601 duration. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(text.trim());
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long amount = Long.parseLong(t.substring(0, t.length() - 1));
            switch (t.charAt(t.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(amount);
                case 'm':
                    return Duration.ofMinutes(amount);
                case 'h':
                    return Duration.ofHours(amount);
                case 'd':
                    return Duration.ofDays(amount);
                default:
                    break;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new CommandFailure(ExitCodes.USAGE, "--ttl " + text + " is not a duration: write 90s, 30m, 12h, 7d, "
                + "500ms or an ISO-8601 duration such as PT1H30M");
    }
}
