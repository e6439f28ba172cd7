package org.univ.spark.train;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.spark.Folders;
import org.univ.spark.UnivSpark;
import org.univ.spark.collective.AllReduceGradients;
import org.univ.spark.collective.Collective;
import org.univ.train.BatchSource;
import org.univ.train.PairBatches;
import org.univ.train.PretrainConfig;
import org.univ.train.Trainer;

/**
 * One task of the pre-training barrier stage. Every task builds the same teacher, LoRA student and AdamW, reads
 * its equal shard of every global batch, and joins the collective, whose all-reduce makes every update identical
 * on all tasks. Task 0 is the one that writes: metrics.jsonl and checkpoints into the shared run folder (through
 * the same {@link Trainer#run} as one machine) and the merged student at the end; the others write into a
 * scratch folder that is deleted. Resuming reads the newest checkpoint of the shared run folder on every task.
 */
final class PretrainWorker implements FlatMapFunction<Iterator<Integer>, WorkerReport> {
    private final String configYaml;
    private final String runDir;
    private final int workers;
    private final HashMap<String, Object> trackerArgs;
    private final int collectiveTimeoutSeconds;
    private final int attempt;
    private final boolean resume;
    private final FaultInjection fault;

    PretrainWorker(PretrainConfig config, Path runDir, int workers, Map<String, Object> trackerArgs,
                   int collectiveTimeoutSeconds, int attempt, boolean resume, FaultInjection fault) {
        this.configYaml = config.toYaml();
        this.runDir = runDir.toString();
        this.workers = workers;
        this.trackerArgs = new HashMap<>(trackerArgs);
        this.collectiveTimeoutSeconds = collectiveTimeoutSeconds;
        this.attempt = attempt;
        this.resume = resume;
        this.fault = fault;
    }

    @Override
    public Iterator<WorkerReport> call(Iterator<Integer> ignored) throws IOException {
        UnivSpark.prepareTask();
        int partition = TaskContext.getPartitionId();
        PretrainConfig cfg = PretrainConfig.fromYaml(configYaml);
        Path shared = Path.of(runDir);
        Path own = partition == 0 ? shared : Files.createTempDirectory("univ-spark-worker-" + partition + "-");
        try (NDManager manager = NDManager.newBaseManager();
             Backbone teacher = Backbones.load(PretrainConfig.resolve(cfg.teacher), manager, true, cfg.teacherKey);
             Backbone student = Backbones.load(PretrainConfig.resolve(cfg.teacher), manager, true, cfg.teacherKey);
             BatchSource data = PairBatches.fromConfig(cfg, partition, workers);
             Trainer trainer = new Trainer(cfg, teacher, student, data, own, manager)) {
            if (resume) {
                trainer.resume(shared);
            }
            long from = trainer.step();
            Map<Long, String> hashes = new TreeMap<>();
            long t0 = System.nanoTime();
            double reduceMillis;
            try (Collective collective = Collective.join(trackerArgs, partition, collectiveTimeoutSeconds)) {
                if (collective.rank() != partition || collective.worldSize() != workers) {
                    throw new IllegalStateException("collective gave task " + partition + " rank " + collective.rank()
                            + " of " + collective.worldSize() + ", expected rank " + partition + " of " + workers);
                }
                AllReduceGradients reducer = new AllReduceGradients(collective);
                trainer.setGradientReducer(reducer);
                trainer.run(info -> {
                    if (info.step() % cfg.checkpointEvery == 0 || info.step() == info.totalSteps()) {
                        hashes.put(info.step(), LoraHash.of(student));
                    }
                    if (fault != null && fault.firesAt(attempt, partition, info.step())) {
                        throw new FaultInjection.InjectedFault(partition, info.step());
                    }
                });
                reduceMillis = reducer.meanReduceMillis();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (partition == 0) {
                trainer.exportStudent(shared.resolve("student.safetensors"));
            }
            return List.of(new WorkerReport(partition, from, trainer.step(), hashes, seconds, reduceMillis)).iterator();
        } finally {
            if (partition != 0) {
                Folders.deleteQuietly(own);
            }
        }
    }
}
