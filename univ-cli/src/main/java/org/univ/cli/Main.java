package org.univ.cli;

import org.univ.util.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code univ} command. */
@Command(name = "univ", mixinStandardHelpOptions = true, version = "univ 0.1.0",
        description = "UNIV: one foundation model for visible and thermal-infrared images.",
        subcommands = {DemoCommand.class, InspectCommand.class, ClassifyCommand.class, ConvertCommand.class, BlendCommand.class, DataCommand.class,
                PretrainCommand.class, EvalCommand.class, DetCommand.class, SegCommand.class, TransferCommand.class, ReportCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    static {
        Engines.offline(); // before any DJL class initialises
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static int execute(String... args) {
        Engines.offline();
        return commandLine(new Main()).execute(args);
    }

    /** A command line for {@code command} whose errors (bad file, bad shape) print one clear line, not a stack trace. */
    static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + ex.getMessage()));
            if (System.getenv("UNIV_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
