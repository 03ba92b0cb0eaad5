package io.viperdb.cli;

import io.viperdb.CodecException;
import io.viperdb.KeyValueStore;
import io.viperdb.cli.json.ValueJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/** Writes a store's entries as {@link ExportLine export lines}: what {@code export} and {@code scan} share. */
final class Entries {

    private Entries() {
    }

    /**
     * Checks the value of {@code --limit} before the store is opened.
     *
     * @throws CommandFailure with {@link ExitCodes#USAGE} if it is negative
     */
    static void checkLimit(long limit) {
        if (limit < 0) {
            throw new CommandFailure(ExitCodes.USAGE, "--limit must be at least 0 (was " + limit + ")");
        }
    }

    /** The sorted live keys that start with {@code prefix}, at most {@code limit} of them. */
    static List<String> keys(KeyValueStore<?> db, String prefix, long limit) {
        return new TreeSet<>(db.keys()).tailSet(prefix).stream().takeWhile(k -> k.startsWith(prefix)).limit(limit)
                .toList();
    }

    /**
     * Writes a line for each key to {@code out}, with its expiry if it has one; a key whose value has no JSON form or cannot be decoded is
     * left out and named on {@code err}, with the reason. A key removed or expired meanwhile is left out silently.
     *
     * @return how many keys were left out
     */
    static long write(KeyValueStore<Object> db, List<String> keys, Writer out, PrintWriter err, Progress progress)
            throws IOException {
        long skipped = 0;
        for (String key : keys) {
            progress.step();
            String line;
            try {
                // The expiry first: a key that expires between the two reads then has no value, and is left out,
                // rather than written with a value and no expiry.
                Instant expiresAt = db.expiresAt(key).orElse(null);
                Object value = db.get(key);
                if (value == null) {
                    continue;
                }
                line = new ExportLine(key, value, expiresAt).toJson();
            } catch (ValueJson.NotExpressible | CodecException e) {
                skipped++;
                err.println("viper: left out key '" + key + "': " + e.getMessage());
                continue;
            }
            out.write(line);
            out.write('\n');
        }
        return skipped;
    }
}
