package org.univ.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.univ.segment.SegBenchmark;
import org.univ.segment.SegHeadInfo;
import org.univ.segment.SegTrainer;
import org.univ.train.StepBenchmark;
import org.univ.util.Engines;
import org.univ.util.SharedData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code univ bench}: speed measurements (run alone: two CPU-heavy processes on 2 cores slow each other ~10×). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Speed benchmarks.",
        subcommands = {BenchCommand.Step.class, BenchCommand.Loop.class, BenchCommand.Forward.class, BenchCommand.Det.class,
                BenchCommand.Seg.class})
final class BenchCommand extends CommandGroup {

    /** The given weights, else DeiT-Tiny from the shared data, else null (a randomly initialised DeiT-Tiny). */
    static Path weightsOrDefault(Path weights) {
        return weights != null ? weights : Files.exists(SharedData.teacherWeights()) ? SharedData.teacherWeights() : null;
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
            Path w = weightsOrDefault(weights);
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

    @Command(name = "forward", mixinStandardHelpOptions = true, description = "Inference images/s of the backbone.")
    static final class Forward implements Callable<Integer> {
        @Option(names = "--size", defaultValue = "224") int size;
        @Option(names = "--batch", defaultValue = "16") int batch;
        @Option(names = "--steps", defaultValue = "10") int steps;
        @Option(names = "--threads", defaultValue = "2") int threads;
        @Option(names = "--weights", description = "weights (default: DeiT-Tiny from UNIV_SHARED, else random init)") Path weights;

        @Override
        public Integer call() {
            Engines.threads(threads);
            Path w = weightsOrDefault(weights);
            System.out.printf(Locale.ROOT, "forward %d px, batch %d, %d threads: %.1f images/s%n", size, batch, threads,
                    StepBenchmark.forwardImagesPerSecond(w, size, batch, steps, 2));
            return 0;
        }
    }

    @Command(name = "det", mixinStandardHelpOptions = true,
            description = "Detection speed: inference images/s (frozen backbone + head + decoding) and head-training"
                    + " steps/s from cached features and with online features.")
    static final class Det implements Callable<Integer> {
        @Option(names = "--inference-size", defaultValue = "640x480") String inferenceSize;
        @Option(names = "--size", defaultValue = "448x336", description = "training input WxH") String size;
        @Option(names = "--batch", defaultValue = "16") int batch;
        @Option(names = "--steps", defaultValue = "10") int steps;
        @Option(names = "--warmup", defaultValue = "2") int warmup;
        @Option(names = "--threads", defaultValue = "2") int threads;
        @Option(names = "--weights", description = "backbone (default: DeiT-Tiny from UNIV_SHARED, else random init)") Path weights;
        @Option(names = "--data", description = "YOLO root (default: MSRS from UNIV_SHARED, else generated scenes)") String data;
        @Option(names = "--json", description = "one JSON line instead of a table") boolean json;

        @Override
        public Integer call() throws Exception {
            Engines.threads(threads);
            Path w = weightsOrDefault(weights);
            String d = data != null ? data : SharedData.find("data/msrs").map(Path::toString).orElse(null);
            int[] train = org.univ.detect.DetectionConfig.parseSize(size);
            int[] infer = org.univ.detect.DetectionConfig.parseSize(inferenceSize);
            org.univ.detect.DetectionConfig cfg = org.univ.detect.DetectionConfig.builder().optSize(train[0], train[1])
                    .optBatch(batch).build();
            org.univ.detect.DetectionBenchmark.Result r = org.univ.detect.DetectionBenchmark.run(w, d, infer[0], infer[1],
                    cfg, steps, warmup);
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(r.toMap()));
            } else {
                System.out.printf(Locale.ROOT, "inference %s, batch %d, %d threads: %.2f images/s%n", inferenceSize, batch,
                        threads, r.imagesPerSecond());
                System.out.printf(Locale.ROOT, "feature cache %s: %.2f images/s%n", size, r.cacheImagesPerSecond());
                System.out.printf(Locale.ROOT, "head training %s, batch %d: %.2f steps/s cached, %.2f steps/s online%n",
                        size, batch, r.cachedStepsPerSecond(), r.onlineStepsPerSecond());
            }
            return 0;
        }
    }

    @Command(name = "seg", mixinStandardHelpOptions = true,
            description = "Segmentation speed with a frozen backbone: UperNet head-training steps/s from cached features"
                    + " and inference images/s (backbone + pyramid + UperNet, whole images).")
    static final class Seg implements Callable<Integer> {
        @Option(names = "--inference-size", defaultValue = "640x480") String inferenceSize;
        @Option(names = "--inference-batch", defaultValue = "4") int inferenceBatch;
        @Option(names = "--size", defaultValue = "448x336", description = "training input WxH") String size;
        @Option(names = "--batch", defaultValue = "4") int batch;
        @Option(names = "--channels", defaultValue = "64", description = "pyramid and UperNet width") int channels;
        @Option(names = "--steps", defaultValue = "10") int steps;
        @Option(names = "--warmup", defaultValue = "2", description = "untimed steps (>= 1: the first caches features)")
        int warmup;
        @Option(names = "--threads", defaultValue = "2") int threads;
        @Option(names = "--weights", description = "backbone (default: DeiT-Tiny from UNIV_SHARED, else random init)") Path weights;
        @Option(names = "--data", description = "root with ir/, mask/ and classes.txt (default: generated scenes)") String data;
        @Option(names = "--json", description = "one JSON line instead of a table") boolean json;

        @Override
        public Integer call() throws Exception {
            Engines.threads(threads);
            int[] train = SegHeadInfo.parseSize(size, "--size");
            int[] infer = SegHeadInfo.parseSize(inferenceSize, "--inference-size");
            SegBenchmark.Result r = SegBenchmark.run(weightsOrDefault(weights), data, infer[0], infer[1], inferenceBatch,
                    SegTrainer.builder().setSize(train[1], train[0]).optBatchSize(batch).optChannels(channels), steps,
                    warmup);
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(r.toMap()));
            } else {
                System.out.printf(Locale.ROOT, "inference %s, batch %d, %d threads: %.2f images/s%n", inferenceSize,
                        inferenceBatch, threads, r.imagesPerSecond());
                System.out.printf(Locale.ROOT, "head training %s, batch %d, cached features: %.2f steps/s%n", size,
                        batch, r.cachedStepsPerSecond());
            }
            return 0;
        }
    }

    @Command(name = "loop", mixinStandardHelpOptions = true,
            description = "The full pre-training loop on real pairs (decoding + augmentation included) with memory use.")
    static final class Loop implements Callable<Integer> {
        @Option(names = "--config", defaultValue = "configs/pretrain-shared.yaml") Path config;
        @Option(names = "--set", description = "config overrides, e.g. --set size=224") java.util.List<String> overrides = new java.util.ArrayList<>();
        @Option(names = "--steps", defaultValue = "50") int steps;
        @Option(names = "--warmup", defaultValue = "5") int warmup;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() throws Exception {
            org.univ.train.PretrainConfig cfg = org.univ.train.PretrainConfig.load(config, overrides);
            Engines.threads(cfg.threads);
            org.univ.train.LoopBenchmark.Result r = org.univ.train.LoopBenchmark.run(cfg, steps, warmup);
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(r.toMap()));
            } else {
                System.out.printf(Locale.ROOT, "%d steps of %d x %d px: %.2f pairs/s; RSS start %d MB, after warm-up %d MB,"
                        + " end %d MB (growth %d MB), peak %d MB%n", r.steps(), cfg.batch, cfg.size, r.pairsPerSecond(),
                        r.rssStartMb(), r.rssAfterWarmupMb(), r.rssEndMb(), r.rssEndMb() - r.rssAfterWarmupMb(), r.peakRssMb());
            }
            return 0;
        }
    }
}
