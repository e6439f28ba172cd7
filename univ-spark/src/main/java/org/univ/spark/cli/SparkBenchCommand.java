package org.univ.spark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.univ.spark.bench.SparkBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code univ spark bench}: what scale-out costs (run alone: benchmarks on shared cores measure the neighbours). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Gradient all-reduce time per step at the DeiT-Tiny and ViT-B LoRA sizes, and the UNIV step on N"
                + " workers x batch/N against one process x the whole batch (random DeiT-Tiny, fixed inputs)."})
final class SparkBenchCommand implements Callable<Integer> {
    @Mixin
    SparkOptions spark;

    @Option(names = "--workers", defaultValue = "2", description = "workers (default ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--reps", defaultValue = "30", description = "timed all-reduces per size (default ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--size", defaultValue = "112", description = "step benchmark image side (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--batch", defaultValue = "16", description = "step benchmark global batch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", defaultValue = "10", description = "timed steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed steps first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--threads", defaultValue = "2", description = "libtorch threads of the 1-process reference (default ${DEFAULT-VALUE}:"
            + " the cores the workers share)")
    int threads;

    @Option(names = "--no-step", description = "only the all-reduce part")
    boolean noStep;

    @Option(names = "--json", description = "one JSON line instead of tables")
    boolean json;

    @Override
    public Integer call() throws Exception {
        SparkSession session = spark.session("univ bench");
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
            var reduces = SparkBench.allReduce(sc, workers, SparkBench.loraSizes(), reps, 5);
            var stepTimes = noStep ? null : SparkBench.steps(sc, workers, size, batch, steps, warmup, threads);
            System.out.print(json ? new ObjectMapper().writeValueAsString(SparkBench.toMap(reduces, stepTimes)) + "\n"
                    : SparkBench.table(reduces, stepTimes));
            return 0;
        } finally {
            session.stop();
        }
    }
}
