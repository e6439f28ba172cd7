package org.univ.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ai.djl.ndarray.NDManager;
import org.univ.model.Backbone;
import org.univ.model.Backbones;

/**
 * The full pre-training loop (decoding, augmentation, prefetch, step, metrics) on real pairs, timed after
 * warm-up, with the process's resident memory: at start, after warm-up, at the end, and its peak.
 */
public final class LoopBenchmark {
    private LoopBenchmark() {}

    public record Result(int steps, double pairsPerSecond, long rssStartMb, long rssAfterWarmupMb, long rssEndMb,
                         long peakRssMb) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", steps);
            m.put("pairs_per_s", Math.round(pairsPerSecond * 1000) / 1000.0);
            m.put("rss_start_mb", rssStartMb);
            m.put("rss_after_warmup_mb", rssAfterWarmupMb);
            m.put("rss_end_mb", rssEndMb);
            m.put("rss_growth_mb", rssEndMb - rssAfterWarmupMb);
            m.put("peak_rss_mb", peakRssMb);
            return m;
        }
    }

    /** Runs {@code warmup + steps} steps of the config (its data roots, size, batch) and measures the last {@code steps}. */
    public static Result run(PretrainConfig base, int steps, int warmup) throws IOException {
        Path runDir = Files.createTempDirectory("univ-bench-loop");
        PretrainConfig cfg = PretrainConfig.parse(base.toYaml(), "bench", List.of(
                "steps=" + (steps + warmup), "checkpoint_every=" + (steps + warmup + 1), "out=" + runDir));
        long rssStart = rssMb("VmRSS");
        long[] rssWarm = {rssStart}; // warmup 0: timed from the start, model loading included
        long[] startNanos = {System.nanoTime()};
        try (NDManager manager = NDManager.newBaseManager();
             Backbone t = Backbones.load(PretrainConfig.resolve(cfg.teacher), manager, true, cfg.teacherKey);
             Backbone s = Backbones.load(PretrainConfig.resolve(cfg.teacher), manager, true, cfg.teacherKey);
             PairBatches data = PairBatches.fromConfig(cfg);
             Trainer trainer = new Trainer(cfg, t, s, data, runDir, manager)) {
            trainer.run(info -> {
                if (info.step() == warmup) {
                    rssWarm[0] = rssMb("VmRSS");
                    startNanos[0] = System.nanoTime();
                }
            });
        }
        double seconds = (System.nanoTime() - startNanos[0]) / 1e9;
        return new Result(steps, steps * cfg.batch / seconds, rssStart, rssWarm[0], rssMb("VmRSS"), rssMb("VmHWM"));
    }

    /** A field of /proc/self/status in MB (Linux), or -1 elsewhere. */
    public static long rssMb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
