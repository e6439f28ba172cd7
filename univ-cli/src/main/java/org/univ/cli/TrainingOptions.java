package org.univ.cli;

import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** What {@code univ det train} and {@code univ seg train} share: backbone, protocol, seed, threads, output, progress. */
final class TrainingOptions {
    @Option(names = "--backbone", required = true, paramLabel = "W",
            description = "backbone checkpoint (teacher or UNIV student)")
    Path backbone;

    @ArgGroup(exclusive = true)
    ProtocolOption protocol = new ProtocolOption();

    @Option(names = "--seed", defaultValue = "0", description = "seed of the head's initialisation and data order")
    long seed;

    @Option(names = "--threads", defaultValue = "2", description = "libtorch threads (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Option(names = "--no-progress", description = "plain log lines instead of a progress bar")
    boolean noProgress;
}
