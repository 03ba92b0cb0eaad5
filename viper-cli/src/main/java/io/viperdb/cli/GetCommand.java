package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import io.viperdb.cli.json.JsonText;
import io.viperdb.cli.json.ValueJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code viper get STORE KEY}: the value as JSON, or its bytes into a file. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Prints the value of KEY as JSON (byte arrays as {\"@type\":\"bytes\",\"value\":BASE64}).",
        footer = {"", "Examples:", "  viper get ./db greeting", "  viper get ./images logo --file logo.png"})
final class GetCommand extends StoreCommand {

    @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
    String key;

    @Option(names = "--file", paramLabel = "FILE",
            description = "Write the value's bytes to FILE instead (for a byte[] value, as the bytes codec stores).")
    Path file;

    @Override
    public Integer call() throws IOException {
        Object value;
        try (KeyValueStore<Object> db = Stores.openReadOnly(store)) {
            value = db.get(key);
        }
        if (value == null) {
            throw new CommandFailure(ExitCodes.NO_SUCH_KEY, "no key '" + key + "' in " + store);
        }
        if (file != null) {
            if (!(value instanceof byte[] bytes)) {
                throw new CommandFailure(ExitCodes.USAGE, "the value of '" + key + "' is a "
                        + value.getClass().getName() + ", not a byte[]: --file writes only byte arrays");
            }
            Files.write(file, bytes);
            return ExitCodes.OK;
        }
        String json;
        try {
            json = JsonText.write(ValueJson.toJson(value));
        } catch (ValueJson.NotExpressible e) {
            throw new CommandFailure(ExitCodes.INCOMPLETE, "the value of '" + key + "' has no JSON form: "
                    + e.getMessage());
        }
        out().println(json);
        return ExitCodes.OK;
    }
}
