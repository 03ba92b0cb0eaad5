package io.viperdb.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code viper completion}: the bash (and zsh) completion script that picocli generates from the commands. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Prints a bash completion script for viper (zsh runs it too, after 'autoload -U bashcompinit; "
                + "bashcompinit').",
        footer = {"", "Examples:", "  source <(./viper completion)",
            "  ./viper completion > ~/.local/share/bash-completion/completions/viper"})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("viper", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
