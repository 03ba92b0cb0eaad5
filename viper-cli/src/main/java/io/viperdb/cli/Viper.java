package io.viperdb.cli;

import io.viperdb.UnknownCodecException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The {@code viper} command: one subcommand per thing to do with a store, each taking the store directory first.
 *
 * <p>Failures end a command with one line on standard error and an exit code from {@link ExitCodes}; the stack trace
 * follows only with {@code --verbose}.
 */
@Command(name = "viper", mixinStandardHelpOptions = true, versionProvider = Viper.Version.class,
        description = "Reads, writes and checks a ViperDB store from the shell. Every command takes the store "
                + "directory first; read commands never create one.",
        subcommands = {DemoCommand.class, InfoCommand.class, GetCommand.class, PutCommand.class, RemoveCommand.class,
            KeysCommand.class, ScanCommand.class, ExportCommand.class, ImportCommand.class, VerifyCommand.class,
            ReclaimCommand.class, SalvageCommand.class, CompletionCommand.class},
        footer = {"", "Examples:", "  viper demo", "  viper put ./db greeting '\"hello\"'", "  viper get ./db greeting",
            "  viper export ./db | viper import ./copy", "", "Run 'viper COMMAND --help' for a command's options."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done; verify found the store sound",
            "1:the store is damaged",
            "2:wrong command line, or a value that is not JSON",
            "3:no such key (get, rm)",
            "4:no store at that path",
            "5:the store is open in another process",
            "6:unknown codec, another codec than the store's, or a value the codec refuses",
            "7:some values or lines have no JSON form or could not be read; the rest was done",
            "8:the store's format version is newer than this viper",
            "9:the file system failed",
            "10:a bug in viper (run again with --verbose and report it)",
            "130:interrupted with Ctrl-C; import says how many keys it imported (they are in the store)"})
public final class Viper {

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On failure, print the stack trace after the message.")
    boolean verbose;

    private final InputStream in;
    private final PrintStream progress;

    Viper(InputStream in, PrintStream progress) {
        this.in = in;
        this.progress = progress;
    }

    /** Standard input, or what a test gives instead. */
    InputStream in() {
        return in;
    }

    /**
     * A progress line: on standard error at a terminal (nothing drawn otherwise), or always on the stream a test
     * gave.
     */
    Progress progress(String label, long total, Progress.Unit unit) {
        return progress != null ? Progress.on(progress, label, total, unit) : Progress.start(label, total, unit);
    }

    public static void main(String[] args) {
        Warnings.install(System.err);
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        String refusal = Arguments.refusal(args, System.getProperty("sun.jnu.encoding"),
                System.getProperty(Arguments.LAUNCHER_LOCALE));
        if (refusal != null) {
            err.println("viper: " + refusal);
            System.exit(ExitCodes.USAGE);
        }
        int exitCode = commandLine(System.in, out, err).execute(args);
        out.flush();
        System.exit(exitCode);
    }

    /** The command line, with its output, error and input streams; what {@link #main} runs and the tests drive. */
    static CommandLine commandLine(InputStream in, PrintWriter out, PrintWriter err) {
        return commandLine(in, out, err, null);
    }

    /** The command line, drawing the progress lines of {@code import} on {@code progress} when not null (tests). */
    static CommandLine commandLine(InputStream in, PrintWriter out, PrintWriter err, PrintStream progress) {
        CommandLine commandLine = new CommandLine(new Viper(in, progress));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(new FailureHandler());
        commandLine.setParameterExceptionHandler(new UsageHandler());
        return commandLine;
    }

    /** A failure as one line for a person, without the "viper: " that starts it. */
    static String describe(Throwable failure) {
        if (failure instanceof CommandFailure) {
            return failure.getMessage();
        }
        if (failure instanceof UnknownCodecException unknown) {
            // The API's message speaks to programmers (StoreOptions); a shell user adds a jar instead.
            return "no codec named '" + unknown.codecName() + "' is on viper's module path; available: "
                    + String.join(", ", unknown.available()) + " (add the jar of the module that provides it "
                    + "with VIPER_MODULE_PATH)";
        }
        if (failure instanceof NoSuchFileException) {
            return "no such file: " + failure.getMessage();
        }
        if (failure instanceof AccessDeniedException) {
            return "permission denied: " + failure.getMessage();
        }
        if (ExitCodes.of(failure) == ExitCodes.INTERNAL) {
            return "internal error: " + failure + " (run again with --verbose, and report it with the trace)";
        }
        return failure.getMessage() != null ? failure.getMessage() : failure.toString();
    }

    /** Turns a failure into one line for a person, and an exit code. */
    private static final class FailureHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception failure, CommandLine commandLine, ParseResult parseResult) {
            PrintWriter err = commandLine.getErr();
            int exitCode = ExitCodes.of(failure);
            err.println("viper: " + describe(failure));
            if (verbose(parseResult)) {
                failure.printStackTrace(err);
            }
            err.flush();
            return exitCode;
        }

        private static boolean verbose(ParseResult result) {
            for (ParseResult r = result; r != null; r = r.hasSubcommand() ? r.subcommand() : null) {
                if (r.hasMatchedOption("--verbose")) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A wrong command line: what was wrong and where to look, not the whole usage text. */
    private static final class UsageHandler implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException failure, String[] args) {
            CommandLine commandLine = failure.getCommandLine();
            PrintWriter err = commandLine.getErr();
            err.println("viper: " + failure.getMessage());
            err.println("Run '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return ExitCodes.USAGE;
        }
    }

    /** The version of the module, as the build recorded it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Viper.class.getModule().getDescriptor() != null
                    ? Viper.class.getModule().getDescriptor().rawVersion().orElse(null) : null;
            if (version == null) {
                version = Viper.class.getPackage().getImplementationVersion();
            }
            return new String[] {"viper " + (version != null ? version : "(development build)") + ", Java "
                    + Runtime.version()};
        }
    }
}
