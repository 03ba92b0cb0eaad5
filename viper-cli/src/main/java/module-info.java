/**
 * The {@code viper} command line. It compiles against the API and picocli alone: the engine and the codecs are found
 * with {@link java.util.ServiceLoader} on the module path, where the {@code viper} launcher puts them.
 */
module io.viperdb.cli {
    requires io.viperdb.api;
    requires info.picocli;
    // The engine logs through System.Logger, which goes to java.util.logging: Warnings prints it as viper's lines.
    requires java.logging;

    // picocli creates the commands and sets their options reflectively.
    opens io.viperdb.cli to info.picocli;
}
