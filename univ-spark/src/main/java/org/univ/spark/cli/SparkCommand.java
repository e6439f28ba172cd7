package org.univ.spark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code univ spark}: UNIV on an Apache Spark cluster (or {@code local[N]} on one machine). */
@Command(name = "spark", mixinStandardHelpOptions = true, version = "univ-spark 0.1.0",
        description = "UNIV on Apache Spark: data-parallel pre-training, embedding extraction, data checks, benchmarks.",
        subcommands = {SparkPretrainCommand.class, SparkEmbedCommand.class, SparkDataCheckCommand.class,
                SparkBenchCommand.class, CommandLine.HelpCommand.class})
public final class SparkCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
