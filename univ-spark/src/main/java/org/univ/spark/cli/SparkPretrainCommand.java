package org.univ.spark.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.univ.spark.train.DistributedPretrain;
import org.univ.spark.train.FaultInjection;
import org.univ.train.PretrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code univ spark pretrain}: data-parallel PCCL pre-training over a barrier stage of N workers. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = {"Data-parallel UNIV pre-training: N workers each take 1/N of every global batch; their LoRA"
                + " gradients are summed by a collective all-reduce every step, so all apply the same update. The run"
                + " folder (config out=, on storage all executors reach) gets what `univ pretrain` writes; a failed"
                + " worker restarts the stage from the newest checkpoint.",
                "libtorch threads per worker = spark.task.cpus (the config's `threads` is not used)."})
final class SparkPretrainCommand implements Callable<Integer> {
    @Mixin
    SparkOptions spark;

    @Option(names = "--config", description = "YAML config (see configs/pretrain-shared.yaml); batch is the global batch")
    Path config;

    @Option(names = "--set", description = "override a config key, e.g. --set steps=50 --set out=/shared/runs/a")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--workers", required = true, description = "workers (tasks of the barrier stage); the batch must be a multiple")
    int workers;

    @Option(names = "--resume", description = "continue the run in this folder from its newest checkpoint")
    Path resume;

    @Option(names = "--max-restarts", defaultValue = "3", description = "automatic restarts after a failure (default ${DEFAULT-VALUE})")
    int maxRestarts;

    @Option(names = "--collective-timeout", defaultValue = "600",
            description = "seconds a worker waits for its peers (joining, and each all-reduce) before failing (default ${DEFAULT-VALUE})")
    int collectiveTimeout;

    @Option(names = "--inject-failure", hidden = true, description = "test-only: PARTITION:STEP throws once after that step")
    String injectFailure;

    @Override
    public Integer call() {
        PretrainConfig cfg = resume != null && config == null
                ? PretrainConfig.parse(DistributedPretrain.storedConfig(resume).toYaml(), resume.toString(), overrides)
                : PretrainConfig.load(config, overrides);
        DistributedPretrain.Builder job = DistributedPretrain.builder().setConfig(cfg).setWorkers(workers)
                .optMaxRestarts(maxRestarts).optCollectiveTimeout(collectiveTimeout).optProgress(System.out::println);
        if (resume != null) {
            job.optRunDir(resume).optResume(true);
        }
        if (injectFailure != null) {
            job.optFaultInjection(FaultInjection.parse(injectFailure));
        }
        SparkSession session = spark.session("univ pretrain");
        try {
            System.out.println("master " + spark.master() + ", " + workers + " workers x batch " + cfg.batch / Math.max(1, workers)
                    + " (global " + cfg.batch + "), teacher " + cfg.teacher);
            DistributedPretrain.Result r = job.build().run(JavaSparkContext.fromSparkContext(session.sparkContext()));
            System.out.printf(Locale.ROOT, "done: %d steps in %.1f s on %d workers (%d attempt%s), %.1f ms/step, all-reduce"
                            + " %.2f ms/step; merged student %s; checkpoints bitwise equal on all workers: %s%n",
                    r.steps(), r.wallSeconds(), r.workers(), r.attempts(), r.attempts() == 1 ? "" : "s",
                    r.reports().get(0).millisPerStep(), r.reports().get(0).allReduceMillis(), r.student(),
                    r.checkpointHashes().keySet());
            return 0;
        } finally {
            session.stop();
        }
    }
}
