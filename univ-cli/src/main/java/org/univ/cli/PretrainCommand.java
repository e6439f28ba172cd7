package org.univ.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.univ.cli.report.Charts;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.train.BatchSource;
import org.univ.train.PairBatches;
import org.univ.train.PretrainConfig;
import org.univ.train.StepListener;
import org.univ.train.TrainCheckpoint;
import org.univ.train.Trainer;
import org.univ.util.Engines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code univ pretrain}: PCCL pre-training of a LoRA student against the frozen RGB teacher. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "UNIV pre-training (PCCL) on paired RGB/IR images; writes checkpoints, metrics.jsonl, "
                + "loss_curve.png and the merged student to the run folder.")
final class PretrainCommand implements Callable<Integer> {
    @Option(names = "--config", description = "YAML config (see configs/pretrain-shared.yaml)")
    Path config;

    @Option(names = "--set", description = "override a config key, e.g. --set steps=50 --set optim.lr=1e-4")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--resume", description = "continue the run in this folder from its newest checkpoint")
    Path resume;

    @Option(names = "--no-progress", description = "plain log lines instead of a progress bar")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        PretrainConfig cfg;
        try (NDManager probe = NDManager.newBaseManager()) {
            cfg = resume != null && config == null
                    ? PretrainConfig.parse(TrainCheckpoint.storedConfig(resume, probe).toYaml(), resume.toString(), overrides)
                    : PretrainConfig.load(config, overrides);
        }
        Path runDir = resume != null ? resume : PretrainConfig.resolve(cfg.out);
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("config.yaml"), cfg.toYaml());
        Engines.threads(cfg.threads);
        long t0 = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager();
             Backbone teacher = Backbones.load(PretrainConfig.resolve(cfg.teacher), manager, true, cfg.teacherKey);
             Backbone student = Backbones.load(PretrainConfig.resolve(cfg.teacher), manager, true, cfg.teacherKey);
             BatchSource data = PairBatches.fromConfig(cfg);
             Trainer trainer = new Trainer(cfg, teacher, student, data, runDir, manager)) {
            System.out.println("teacher " + cfg.teacher + ": " + teacher.config());
            System.out.println(trainer.loraReport());
            if (resume != null) {
                trainer.resume(runDir);
                System.out.println("resumed at step " + trainer.step() + " of " + trainer.totalSteps());
            }
            try (Progress progress = new Progress(trainer.totalSteps(), trainer.step(), noProgress)) {
                trainer.run(progress);
            }
            Path exported = trainer.exportStudent(runDir.resolve("student.safetensors"));
            Charts.lossCurves(runDir.resolve("metrics.jsonl"), runDir.resolve("loss_curve.png"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("steps", trainer.step());
            summary.put("wall_seconds", Math.round(seconds * 10) / 10.0);
            summary.put("student", exported.toString());
            Files.writeString(runDir.resolve("summary.json"),
                    new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
            System.out.printf(Locale.ROOT, "done: %d steps in %.1f s; merged student %s; curves %s%n",
                    trainer.step(), seconds, exported, runDir.resolve("loss_curve.png"));
        }
        return 0;
    }

    /** Progress bar: step, both losses, lr, pairs/s and ETA. */
    private static final class Progress implements StepListener, AutoCloseable {
        private final ProgressBar bar;
        private final boolean plain;
        private final long total;

        Progress(long total, long start, boolean plain) {
            this.plain = plain || System.console() == null;
            this.total = total;
            this.bar = this.plain ? null : new ProgressBarBuilder().setTaskName("pretrain").setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).startsFrom(start, java.time.Duration.ZERO)
                    .setUnit(" steps", 1).build();
        }

        @Override
        public void onStep(StepInfo s) {
            String extra = String.format(Locale.ROOT, "loss %.4f (IR %.4f, RGB %.4f) lr %.2e %.1f pairs/s",
                    s.loss(), s.lossIr(), s.lossRgb(), s.lr(), s.pairsPerSecond());
            if (bar != null) {
                bar.stepTo(s.step());
                bar.setExtraMessage(" " + extra);
            } else if (s.step() % 10 == 0 || s.step() == total || s.step() == 1) {
                System.out.printf(Locale.ROOT, "step %d/%d  %s  ETA %.0f s%n", s.step(), s.totalSteps(), extra, s.etaSeconds());
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
