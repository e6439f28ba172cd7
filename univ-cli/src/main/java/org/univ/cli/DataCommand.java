package org.univ.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code univ data}: the paired-data tools ({@code check}; room for {@code synth}). */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Paired visible/infrared data tools.",
        subcommands = {DataCheckCommand.class, SynthCommand.class})
final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
