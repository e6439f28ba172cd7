package org.univ.cli;

import picocli.CommandLine;

/** A command that only holds subcommands ({@code univ det}, {@code univ seg} …): run alone, it prints its usage. */
abstract class CommandGroup implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
