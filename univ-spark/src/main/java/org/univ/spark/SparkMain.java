package org.univ.spark;

import org.univ.spark.cli.SparkCommand;
import org.univ.util.Engines;
import picocli.CommandLine;

/**
 * Entry point of univ-spark: {@code spark-submit --class org.univ.spark.SparkMain univ-spark.jar pretrain …}, or
 * {@code java -cp … org.univ.spark.SparkMain embed …} for local runs ({@code univ spark …} in the launcher).
 * Errors print one line naming the problem; {@code UNIV_DEBUG=1} adds the stack trace.
 */
public final class SparkMain {
    static {
        Engines.offline(); // before any DJL class initialises
        // quiet local runs (Spark logs INFO by default); a log4j2 config given by the user or cluster wins
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "univ-spark-log4j2.properties");
        }
    }

    private SparkMain() {}

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new SparkCommand());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + rootMessage(ex)));
            if (System.getenv("UNIV_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl.execute(args);
    }

    /** The message a user can act on: Spark wraps task failures, the innermost message says what went wrong. */
    static String rootMessage(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.toString() : m;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
