package org.univ.spark.bench;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.univ.lora.LoRAConfig;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.model.ViTConfig;
import org.univ.spark.Barrier;
import org.univ.spark.Folders;
import org.univ.spark.UnivSpark;
import org.univ.spark.collective.AllReduceGradients;
import org.univ.spark.collective.Collective;
import org.univ.spark.collective.Tracker;
import org.univ.train.PretrainConfig;
import org.univ.train.RandomBatches;
import org.univ.train.StepBenchmark;
import org.univ.train.Trainer;

/**
 * {@code univ spark bench}: the cost of scale-out. (1) Gradient all-reduce time per step at the LoRA sizes of
 * DeiT-Tiny and ViT-B (r 8 on qkv/proj/fc1/fc2), inside a barrier stage as pre-training runs it; (2) the UNIV step
 * on N workers × batch/N against one process × the whole batch with all the cores (random DeiT-Tiny, fixed random
 * inputs, no decoding).
 */
public final class SparkBench {
    private SparkBench() {}

    /** A gradient size to all-reduce. */
    public record Size(String name, long floats) implements Serializable {}

    /** All-reduce times of one size over the workers: mean and worst of the per-call maxima over workers. */
    public record AllReduce(Size size, int workers, int reps, double meanMillis, double maxMillis) {}

    /** Step times: one process with all cores vs N workers of a barrier stage. */
    public record Steps(int size, int batch, int workers, double singleMillis, int singleThreads, double workerMillis,
                       double allReduceMillis) {
        public double overhead() {
            return workerMillis / singleMillis;
        }
    }

    /** The two sizes the issue asks about (DeiT-Tiny: 294,912; ViT-B: 1,179,648). */
    public static List<Size> loraSizes() {
        LoRAConfig lora = LoRAConfig.builder().optRank(8).build();
        return List.of(new Size("DeiT-Tiny LoRA r8", LoraSize.of(ViTConfig.preset("tiny").build(), lora)),
                new Size("ViT-B LoRA r8", LoraSize.of(ViTConfig.preset("base").build(), lora)));
    }

    public static List<AllReduce> allReduce(JavaSparkContext sc, int workers, List<Size> sizes, int reps, int warmup) {
        String host = sc.getConf().get("univ.tracker.host", sc.getConf().get("spark.driver.host", "127.0.0.1"));
        try (Tracker tracker = Tracker.start(host, workers, 120)) {
            AllReduceTask task = new AllReduceTask(tracker.workerArgs(), sizes, reps, warmup);
            List<double[]> perWorker = Barrier.mapPartitions(sc.parallelize(IntStream.range(0, workers).boxed().toList(),
                    workers), task, double[].class).collect();
            List<AllReduce> out = new ArrayList<>();
            for (int s = 0; s < sizes.size(); s++) {
                double[] slowest = new double[reps]; // a collective call ends when its slowest worker is done
                for (double[] w : perWorker) {
                    for (int i = 0; i < reps; i++) {
                        slowest[i] = Math.max(slowest[i], w[s * reps + i]);
                    }
                }
                out.add(new AllReduce(sizes.get(s), workers, reps, Arrays.stream(slowest).average().orElse(0),
                        Arrays.stream(slowest).max().orElse(0)));
            }
            return out;
        }
    }

    /** Runs the single-process step on this driver first, then the barrier stage. */
    public static Steps steps(JavaSparkContext sc, int workers, int size, int batch, int steps, int warmup, int threads)
            throws Exception {
        if (batch % workers != 0) {
            throw new IllegalArgumentException("batch " + batch + " must be a multiple of the workers " + workers);
        }
        org.univ.util.Engines.threads(threads);
        StepBenchmark.Result single = StepBenchmark.run(null, size, batch, steps, warmup, threads);
        String host = sc.getConf().get("univ.tracker.host", sc.getConf().get("spark.driver.host", "127.0.0.1"));
        try (Tracker tracker = Tracker.start(host, workers, 300)) {
            StepTask task = new StepTask(tracker.workerArgs(), size, batch, workers, steps, warmup);
            List<double[]> r = Barrier.mapPartitions(sc.parallelize(IntStream.range(0, workers).boxed().toList(), workers),
                    task, double[].class).collect();
            double ms = r.stream().mapToDouble(x -> x[0]).max().orElse(0);
            double reduce = r.stream().mapToDouble(x -> x[1]).max().orElse(0);
            return new Steps(size, batch, workers, single.msPerStep(), threads, ms, reduce);
        }
    }

    /** Executor side of {@link #allReduce}: per size, {@code reps} timed all-reduces after {@code warmup}. */
    private record AllReduceTask(HashMap<String, Object> args, List<Size> sizes, int reps, int warmup)
            implements FlatMapFunction<Iterator<Integer>, double[]> {
        AllReduceTask(Map<String, Object> args, List<Size> sizes, int reps, int warmup) {
            this(new HashMap<>(args), List.copyOf(sizes), reps, warmup);
        }

        @Override
        public Iterator<double[]> call(Iterator<Integer> ignored) {
            double[] millis = new double[sizes.size() * reps];
            long largest = sizes.stream().mapToLong(Size::floats).max().orElse(0);
            ByteBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(4 * largest)).order(ByteOrder.nativeOrder());
            try (Collective c = Collective.join(args, TaskContext.getPartitionId(), 120)) {
                for (int s = 0; s < sizes.size(); s++) {
                    int n = Math.toIntExact(sizes.get(s).floats());
                    for (int i = 0; i < warmup + reps; i++) {
                        buffer.asFloatBuffer().put(0, (float) i);
                        long t0 = System.nanoTime();
                        c.allReduceSum(buffer, n);
                        if (i >= warmup) {
                            millis[s * reps + i - warmup] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                }
            }
            return List.of(millis).iterator();
        }
    }

    /** Executor side of {@link #steps}: the UNIV step on this worker's shard with the all-reduce; {ms/step, all-reduce ms}. */
    private record StepTask(HashMap<String, Object> args, int size, int batch, int workers, int steps, int warmup)
            implements FlatMapFunction<Iterator<Integer>, double[]> {
        StepTask(Map<String, Object> args, int size, int batch, int workers, int steps, int warmup) {
            this(new HashMap<>(args), size, batch, workers, steps, warmup);
        }

        @Override
        public Iterator<double[]> call(Iterator<Integer> ignored) throws IOException {
            UnivSpark.prepareTask();
            int partition = TaskContext.getPartitionId();
            Path tmp = Files.createTempDirectory("univ-spark-bench");
            PretrainConfig cfg = PretrainConfig.parse("{teacher: bench, data: {roots: [random]}}", "bench", List.of(
                    "size=" + size, "batch=" + batch, "steps=" + (steps + warmup), "checkpoint_every=" + (steps + warmup + 1),
                    "optim.lr=1e-4", "optim.schedule=constant", "optim.weight_decay_end=0.05"));
            long[] start = {System.nanoTime()};
            try (NDManager manager = NDManager.newBaseManager();
                 Backbone teacher = randomDeitTiny(manager);
                 Backbone student = randomDeitTiny(manager);
                 RandomBatches data = new RandomBatches(batch / workers, size, 1 + partition);
                 Trainer trainer = new Trainer(cfg, teacher, student, data, tmp, manager);
                 Collective c = Collective.join(args, partition, 300)) {
                AllReduceGradients reducer = new AllReduceGradients(c);
                trainer.setGradientReducer(reducer);
                trainer.run(info -> {
                    if (info.step() == warmup) {
                        start[0] = System.nanoTime();
                    }
                });
                double ms = (System.nanoTime() - start[0]) / 1e6 / steps;
                return List.of(new double[] {ms, reducer.meanReduceMillis()}).iterator();
            } finally {
                Folders.deleteQuietly(tmp);
            }
        }
    }

    /** What {@link StepBenchmark} uses without weights: DeiT-Tiny, initialised from seed 0 (identical on every worker). */
    static Backbone randomDeitTiny(NDManager manager) {
        Backbone b = Backbones.create(ViTConfig.preset("tiny").optNumClasses(1000).build(), manager);
        b.module().initialize(0);
        return b;
    }

    /** The table {@code univ spark bench} prints. */
    public static String table(List<AllReduce> reduces, Steps steps) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(java.util.Locale.ROOT, "%-22s %12s %8s %8s %10s %10s%n", "all-reduce", "floats", "MB",
                "workers", "mean ms", "max ms"));
        for (AllReduce r : reduces) {
            sb.append(String.format(java.util.Locale.ROOT, "%-22s %,12d %8.2f %8d %10.2f %10.2f%n", r.size().name(),
                    r.size().floats(), 4.0 * r.size().floats() / 1e6, r.workers(), r.meanMillis(), r.maxMillis()));
        }
        if (steps != null) {
            sb.append(String.format(java.util.Locale.ROOT, "%nUNIV step, DeiT-Tiny (random), %d px, global batch %d%n",
                    steps.size(), steps.batch()));
            sb.append(String.format(java.util.Locale.ROOT, "%-32s %10s %14s %10s%n", "", "ms/step", "all-reduce ms", "share"));
            sb.append(String.format(java.util.Locale.ROOT, "%-32s %10.1f %14s %10s%n",
                    "1 process, " + steps.singleThreads() + " threads", steps.singleMillis(), "-", "-"));
            sb.append(String.format(java.util.Locale.ROOT, "%-32s %10.1f %14.2f %9.1f%%%n",
                    steps.workers() + " workers x batch " + steps.batch() / steps.workers(), steps.workerMillis(),
                    steps.allReduceMillis(), 100 * steps.allReduceMillis() / steps.workerMillis()));
            sb.append(String.format(java.util.Locale.ROOT, "ratio %d workers / 1 process: %.2f%n", steps.workers(),
                    steps.overhead()));
        }
        return sb.toString();
    }

    /** Machine-readable form of the results. */
    public static Map<String, Object> toMap(List<AllReduce> reduces, Steps steps) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Map<String, Object>> rs = new ArrayList<>();
        for (AllReduce r : reduces) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", r.size().name());
            x.put("floats", r.size().floats());
            x.put("workers", r.workers());
            x.put("mean_ms", r.meanMillis());
            x.put("max_ms", r.maxMillis());
            rs.add(x);
        }
        m.put("all_reduce", rs);
        if (steps != null) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("size", steps.size());
            s.put("batch", steps.batch());
            s.put("workers", steps.workers());
            s.put("single_ms_per_step", steps.singleMillis());
            s.put("single_threads", steps.singleThreads());
            s.put("worker_ms_per_step", steps.workerMillis());
            s.put("all_reduce_ms", steps.allReduceMillis());
            s.put("ratio", steps.overhead());
            m.put("step", s);
        }
        return m;
    }
}
