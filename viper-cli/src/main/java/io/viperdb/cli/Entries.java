package io.viperdb.cli;

import io.viperdb.CodecException;
import io.viperdb.Cursor;
import io.viperdb.KeyValueStore;
import io.viperdb.cli.json.ValueJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Instant;
import java.util.Map;

/** Writes a store's entries as {@link ExportLine export lines}: what {@code export} and {@code scan} share. */
final class Entries {

    /**
     * What {@link #write} did.
     *
     * @param keys the keys it reached
     * @param skipped those it left out, each named on the error stream
     */
    record Written(long keys, long skipped) {
    }

    private Entries() {
    }

    /**
     * Writes a line for each key of {@code cursor}, at most {@code limit} of them, to {@code out}, with its expiry if
     * it has one; a key whose value has no JSON form or cannot be decoded is left out and named on {@code err}, with
     * the reason. A key removed or expired meanwhile is left out silently.
     */
    static Written write(KeyValueStore<Object> db, Cursor<byte[], Object> cursor, long limit, Writer out,
            PrintWriter err, Progress progress) throws IOException {
        long keys = 0;
        long skipped = 0;
        while (keys < limit && cursor.hasNext()) {
            Map.Entry<byte[], Object> entry = cursor.next();
            keys++;
            progress.step();
            byte[] key = entry.getKey();
            String line;
            try {
                // The expiry first, then the value (the cursor reads it only now): a key that expires between the
                // two reads then has no value, and is left out, rather than written with a value and no expiry.
                Instant expiresAt = db.byteKeys().expiresAt(key).orElse(null);
                Object value = entry.getValue();
                if (value == null) {
                    continue;
                }
                line = new ExportLine(key, value, expiresAt).toJson();
            } catch (ValueJson.NotExpressible | CodecException e) {
                skipped++;
                err.println("viper: left out key '" + ExportLine.shown(key) + "': " + e.getMessage());
                continue;
            }
            out.write(line);
            out.write('\n');
        }
        return new Written(keys, skipped);
    }
}
