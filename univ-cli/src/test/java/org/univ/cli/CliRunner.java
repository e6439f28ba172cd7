package org.univ.cli;

import java.io.PrintWriter;
import org.univ.Console;

/** Runs the CLI, or one of its commands, in-process and captures what it prints. */
final class CliRunner {
    private CliRunner() {}

    /** {@code univ ARGS…} as {@link Main} runs it. */
    static Console.Result run(String... args) {
        return Console.capture(() -> Main.execute(args));
    }

    /** One command on its own, with {@link Main}'s error handling; its picocli writers print to the captured streams. */
    static Console.Result run(Object command, String... args) {
        return Console.capture(() -> Main.commandLine(command).setOut(new PrintWriter(System.out, true))
                .setErr(new PrintWriter(System.err, true)).execute(args));
    }
}
