package org.univ.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.univ.train.StepBenchmark;
import org.univ.util.Engines;
import org.univ.util.SharedData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code univ bench}: speed measurements (run alone: two CPU-heavy processes on 2 cores slow each other ~10×). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Speed benchmarks.",
        subcommands = {BenchCommand.Step.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "step", mixinStandardHelpOptions = true,
            description = "The compute-only UNIV pre-training step (DeiT-Tiny) on fixed random inputs.")
    static final class Step implements Callable<Integer> {
        @Option(names = "--size", defaultValue = "112") int size;
        @Option(names = "--batch", defaultValue = "16") int batch;
        @Option(names = "--steps", defaultValue = "20") int steps;
        @Option(names = "--warmup", defaultValue = "3") int warmup;
        @Option(names = "--threads", defaultValue = "2") int threads;
        @Option(names = "--weights", description = "teacher weights (default: DeiT-Tiny from UNIV_SHARED, else random init)")
        Path weights;
        @Option(names = "--json", description = "one JSON line instead of a table") boolean json;

        @Override
        public Integer call() throws Exception {
            Engines.threads(threads);
            Path w = weights != null ? weights : (Files.exists(SharedData.teacherWeights()) ? SharedData.teacherWeights() : null);
            StepBenchmark.Result r = StepBenchmark.run(w, size, batch, steps, warmup, threads);
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(r.toMap()));
            } else {
                System.out.printf(Locale.ROOT, "%-6s %-6s %-8s %-10s %-10s %-12s %-10s %-10s%n",
                        "size", "batch", "threads", "ms/step", "pairs/s", "GFLOP/step", "GFLOP/s", "of peak");
                System.out.printf(Locale.ROOT, "%-6d %-6d %-8d %-10.1f %-10.2f %-12.1f %-10.1f %.0f%% of %.0f%n",
                        r.size(), r.batch(), r.threads(), r.msPerStep(), r.pairsPerSecond(), r.gflopPerStep(),
                        r.gflops(), 100 * r.fractionOfPeak(), r.peakGflops());
            }
            return 0;
        }
    }
}
