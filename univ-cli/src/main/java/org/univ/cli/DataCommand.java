package org.univ.cli;

import picocli.CommandLine.Command;

/** {@code univ data}: the paired-data tools ({@code check}; room for {@code synth}). */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Paired visible/infrared data tools.",
        subcommands = {DataCheckCommand.class, SynthCommand.class})
final class DataCommand extends CommandGroup {
}
