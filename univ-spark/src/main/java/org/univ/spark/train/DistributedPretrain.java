package org.univ.spark.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.univ.data.DataException;
import org.univ.data.ImageException;
import org.univ.io.AtomicFiles;
import org.univ.spark.Barrier;
import org.univ.spark.collective.Tracker;
import org.univ.util.ConfigException;
import org.univ.train.NonFiniteLossException;
import org.univ.train.PretrainConfig;
import org.univ.train.TrainCheckpoint;

/**
 * Data-parallel UNIV pre-training on Spark: one barrier stage of N tasks ({@link PretrainWorker}), each holding the
 * teacher, the LoRA student and AdamW, each reading 1/N of every global batch; per step their gradients are
 * all-reduced through XGBoost4J's collective (tracker on this driver), so all apply the same update. The run folder
 * (on storage every executor reaches) gets what {@code univ pretrain} writes: config.yaml, metrics.jsonl, atomic
 * checkpoints every {@code checkpoint_every} steps, student.safetensors, summary.json.
 *
 * <p>Faults: when a task or executor dies, the stage fails as a whole (barrier); the driver waits until its tasks
 * are gone, starts a new tracker and resubmits the stage, which resumes from the newest checkpoint — up to
 * {@code maxRestarts} times. Training is deterministic, so the run ends with the weights of an uninterrupted one.
 * A non-finite loss, a config error or unusable data is not retried (it would recur).
 */
public final class DistributedPretrain {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedPretrain.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PretrainConfig config;
    private final int workers;
    private final Path runDir;
    private final boolean resume;
    private final int maxRestarts;
    private final int collectiveTimeoutSeconds;
    private final FaultInjection fault;
    private final Consumer<String> progress;

    private DistributedPretrain(Builder b) {
        config = b.config;
        workers = b.workers;
        runDir = b.runDir != null ? b.runDir : PretrainConfig.resolve(config.out).toAbsolutePath();
        resume = b.resume;
        maxRestarts = b.maxRestarts;
        collectiveTimeoutSeconds = b.collectiveTimeoutSeconds;
        fault = b.fault;
        progress = b.progress;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param steps steps of the finished run
     * @param attempts stage submissions (1 + restarts)
     * @param checkpointHashes the LoRA hash every task reported at each checkpoint step of the final attempt (all equal)
     */
    public record Result(Path runDir, Path student, long steps, int workers, int attempts, double wallSeconds,
                         Map<Long, String> checkpointHashes, List<WorkerReport> reports) {}

    public Result run(JavaSparkContext sc) {
        if (config.batch % workers != 0) {
            throw new ConfigException("batch " + config.batch + " cannot be split into " + workers
                    + " equal shards: set batch to a multiple of --workers");
        }
        prepareRunDir();
        long t0 = System.nanoTime();
        String host = sc.getConf().get("univ.tracker.host", sc.getConf().get("spark.driver.host", "127.0.0.1"));
        for (int attempt = 0; ; attempt++) {
            boolean fromCheckpoint = (resume || attempt > 0) && hasCheckpoint();
            String group = "univ-pretrain-" + System.identityHashCode(this) + "-" + attempt;
            TaskFailures failures = new TaskFailures();
            sc.sc().addSparkListener(failures);
            try (Tracker tracker = Tracker.start(host, workers, collectiveTimeoutSeconds);
                 MetricsTail tail = progress == null ? null : new MetricsTail(runDir.resolve("metrics.jsonl"), config, progress)) {
                PretrainWorker task = new PretrainWorker(config, runDir, workers, tracker.workerArgs(),
                        collectiveTimeoutSeconds, attempt, fromCheckpoint, fault);
                sc.setJobGroup(group, "UNIV pre-training, attempt " + (attempt + 1), true);
                List<WorkerReport> reports = new ArrayList<>(Barrier.mapPartitions(
                        sc.parallelize(IntStream.range(0, workers).boxed().toList(), workers), task, WorkerReport.class)
                        .collect());
                reports.sort(java.util.Comparator.comparingInt(WorkerReport::partition));
                Result result = new Result(runDir, runDir.resolve("student.safetensors"), reports.get(0).toStep(), workers,
                        attempt + 1, (System.nanoTime() - t0) / 1e9, agreedHashes(reports), reports);
                writeSummary(result);
                return result;
            } catch (Exception e) { // SparkException is checked, but Scala's collect() does not declare it
                if (e instanceof ConfigException c) {
                    throw c;
                }
                String deterministic = deterministicCause(e);
                if (deterministic != null) {
                    throw new IllegalStateException(deterministic, e);
                }
                awaitTasksGone(sc, group);
                String cause = failures.rootCause(taskFailure(e), 2000);
                if (attempt >= maxRestarts) {
                    throw new IllegalStateException("pre-training failed " + (attempt + 1) + " times (--max-restarts "
                            + maxRestarts + "); last failure: " + cause + "; resume later with --resume " + runDir, e);
                }
                LOG.warn("attempt {} failed ({}); restarting from the newest checkpoint in {}", attempt + 1, cause,
                        runDir.resolve("checkpoints"));
                if (progress != null) {
                    progress.accept("attempt " + (attempt + 1) + " failed: " + cause + " — restarting from the newest checkpoint");
                }
            } finally {
                sc.clearJobGroup();
                sc.sc().removeSparkListener(failures);
            }
        }
    }

    /** A fresh run refuses a folder that already holds checkpoints (they would be resumed by a restart). */
    private void prepareRunDir() {
        try {
            Files.createDirectories(runDir);
            if (!resume && hasCheckpoint()) {
                throw new ConfigException(runDir + " already holds checkpoints of an earlier run: resume it (--resume "
                        + runDir + ") or choose another run folder (out=...)");
            }
            if (resume && !hasCheckpoint()) {
                throw new ConfigException(runDir + " has no checkpoint to resume from");
            }
            Files.writeString(runDir.resolve("config.yaml"), config.toYaml());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the run folder " + runDir + ": " + e.getMessage(), e);
        }
    }

    private boolean hasCheckpoint() {
        Path dir = runDir.resolve("checkpoints");
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().matches("step-\\d+\\.safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The hash of every checkpoint step, after checking that all tasks reported the same one. */
    static Map<Long, String> agreedHashes(List<WorkerReport> reports) {
        Map<Long, String> agreed = new TreeMap<>(reports.get(0).loraHashes());
        for (WorkerReport r : reports) {
            if (!r.loraHashes().keySet().equals(agreed.keySet())) {
                throw new IllegalStateException("task " + r.partition() + " reported checkpoints " + r.loraHashes().keySet()
                        + ", task 0 " + agreed.keySet());
            }
            r.loraHashes().forEach((step, hash) -> {
                if (!hash.equals(agreed.get(step))) {
                    throw new IllegalStateException("the workers' LoRA weights differ at step " + step + " (task "
                            + r.partition() + " " + hash + ", task 0 " + agreed.get(step) + "): the replicas diverged");
                }
            });
        }
        return agreed;
    }

    /** The message of a failure that a restart would only repeat, or null. */
    static String deterministicCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NonFiniteLossException || t instanceof ConfigException || t instanceof DataException) {
                return t.getMessage();
            }
        }
        String text = String.valueOf(e.getMessage());
        for (Class<?> c : List.of(NonFiniteLossException.class, ConfigException.class, DataException.class,
                ImageException.class)) {
            int at = text.indexOf(c.getName() + ": ");
            if (at >= 0) { // Spark reports executor exceptions as text
                return firstLine(text.substring(at + c.getName().length() + 2));
            }
        }
        return null;
    }

    /** Waits until the failed stage's tasks have ended (a zombie task 0 could still write), bounded by the collective timeout. */
    private void awaitTasksGone(JavaSparkContext sc, String group) {
        long deadline = System.nanoTime() + (collectiveTimeoutSeconds + 30) * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean running = false;
            for (int job : sc.statusTracker().getJobIdsForGroup(group)) {
                var info = sc.statusTracker().getJobInfo(job);
                if (info == null) {
                    continue;
                }
                for (int stage : info.stageIds()) {
                    var s = sc.statusTracker().getStageInfo(stage);
                    running |= s != null && s.numActiveTasks() > 0;
                }
            }
            if (!running) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the failed tasks to end", e);
            }
        }
        LOG.warn("tasks of the failed attempt still running after {} s; restarting anyway", collectiveTimeoutSeconds + 30);
    }

    private void writeSummary(Result r) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("steps", r.steps());
        summary.put("workers", r.workers());
        summary.put("global_batch", config.batch);
        summary.put("attempts", r.attempts());
        summary.put("wall_seconds", Math.round(r.wallSeconds() * 10) / 10.0);
        summary.put("ms_per_step", Math.round(r.reports().get(0).millisPerStep() * 10) / 10.0);
        summary.put("all_reduce_ms", Math.round(r.reports().get(0).allReduceMillis() * 100) / 100.0);
        summary.put("student", r.student().toString());
        summary.put("checkpoint_lora_sha256", r.checkpointHashes());
        try {
            AtomicFiles.write(runDir.resolve("summary.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What failed in a task: Spark's job-failure text names the stage first and the task's exception on the next line. */
    static String taskFailure(Throwable e) {
        List<String> lines = String.valueOf(e.getMessage()).strip().lines().filter(l -> !l.isBlank()).limit(2).toList();
        return lines.isEmpty() ? e.toString() : lines.get(lines.size() - 1).strip();
    }

    static String firstLine(String s) {
        String t = String.valueOf(s).strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** The config stored in the newest checkpoint of a run folder (for {@code --resume}). */
    public static PretrainConfig storedConfig(Path run) {
        try (NDManager m = NDManager.newBaseManager()) {
            return TrainCheckpoint.storedConfig(run, m);
        }
    }

    /** {@code setConfig}, {@code setWorkers} required; the rest optional. */
    public static final class Builder {
        private PretrainConfig config;
        private int workers;
        private Path runDir;
        private boolean resume;
        private int maxRestarts = 3;
        private int collectiveTimeoutSeconds = 600;
        private FaultInjection fault;
        private Consumer<String> progress;

        private Builder() {}

        public Builder setConfig(PretrainConfig c) {
            config = Objects.requireNonNull(c);
            return this;
        }

        /** Tasks of the barrier stage (each needs a free task slot: at most the cluster's cores / spark.task.cpus). */
        public Builder setWorkers(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("workers must be >= 1, got " + n);
            }
            workers = n;
            return this;
        }

        /** Run folder (default: the config's {@code out}). */
        public Builder optRunDir(Path dir) {
            runDir = dir.toAbsolutePath();
            return this;
        }

        /** Continue the run in the run folder from its newest checkpoint. */
        public Builder optResume(boolean r) {
            resume = r;
            return this;
        }

        /** Automatic resubmissions after a failed attempt (default 3). */
        public Builder optMaxRestarts(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("max restarts must be >= 0, got " + n);
            }
            maxRestarts = n;
            return this;
        }

        /** Bound on joining the collective and on each all-reduce waiting for a peer (default 600 s). */
        public Builder optCollectiveTimeout(int seconds) {
            if (seconds < 1) {
                throw new IllegalArgumentException("collective timeout must be >= 1 s, got " + seconds);
            }
            collectiveTimeoutSeconds = seconds;
            return this;
        }

        /** Test-only: one task throws once (first attempt) after a given step. */
        public Builder optFaultInjection(FaultInjection f) {
            fault = f;
            return this;
        }

        /** Progress lines (steps from metrics.jsonl as task 0 writes them, restarts); default none. */
        public Builder optProgress(Consumer<String> p) {
            progress = p;
            return this;
        }

        public DistributedPretrain build() {
            if (config == null || workers == 0) {
                throw new IllegalStateException("DistributedPretrain needs setConfig and setWorkers");
            }
            return new DistributedPretrain(this);
        }
    }
}
