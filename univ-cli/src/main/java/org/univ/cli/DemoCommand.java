package org.univ.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.univ.data.synth.SceneGenerator;
import org.univ.demo.Demo;
import org.univ.util.Engines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code univ demo}: the whole paper in miniature on a fresh machine — generated RGB/IR road scenes, a tiny
 * RGB teacher trained on RGB only, UNIV pre-training, teacher vs student on held-out pairs, and a report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate aligned RGB/IR scenes, train a tiny RGB teacher, run UNIV pre-training and compare "
                + "teacher and student on held-out pairs (alignment, linear segmentation probes); writes a report.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/demo", description = "run folder (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--data", description = "use this folder of labelled pairs (vi/ ir/ mask/ train.txt val.txt) instead of generating")
    Path data;

    @Option(names = "--teacher", description = "use this RGB teacher instead of training one")
    Path teacher;

    @Option(names = "--pairs", defaultValue = "400", description = "generated pairs (default ${DEFAULT-VALUE})")
    int pairs;

    @Option(names = "--seed", defaultValue = "0") long seed;

    @Option(names = "--teacher-steps", defaultValue = "600") int teacherSteps;

    @Option(names = "--pretrain-steps", description = "default 600 (300 with --paper-recipe)") Integer pretrainSteps;

    @Option(names = "--paper-recipe", description = "pre-train with the paper's objective (PCCL + PCCL RGB term, "
            + "alpha = beta = 1, 300 steps) instead of the demo's recipe with the co-located term")
    boolean paperRecipe;

    @Option(names = "--set", description = "extra pre-training config overrides (key=value), e.g. --set loss.rho=0.3")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--threads", defaultValue = "2") int threads;

    @Override
    public Integer call() throws Exception {
        Engines.threads(threads);
        long t0 = System.nanoTime();
        Path dataDir = data;
        if (dataDir == null) {
            dataDir = out.resolve("data");
            if (!Files.exists(dataDir.resolve("val.txt"))) {
                log(t0, "generating " + pairs + " aligned RGB/IR scenes (seed " + seed + ") in " + dataDir);
                SceneGenerator.builder().optSeed(seed).build().write(dataDir, pairs);
            } else {
                log(t0, "reusing generated scenes in " + dataDir);
            }
        }
        Demo.DemoConfig cfg = new Demo.DemoConfig();
        cfg.seed = seed;
        cfg.teacher = teacher;
        cfg.teacherSteps = teacherSteps;
        if (paperRecipe) {
            cfg.usePaperRecipe();
        }
        if (pretrainSteps != null) {
            cfg.pretrainSteps = pretrainSteps;
        }
        cfg.pretrainOverrides.addAll(overrides);
        Path runDir = out.resolve("run");
        Demo.Result r = new Demo(cfg).run(dataDir, runDir, s -> log(t0, s), null);
        DemoReport.write(r, dataDir, runDir, cfg);
        printTable(r);
        System.out.printf(Locale.ROOT, "%nreport: %s   (%.0f s in all)%n", runDir.resolve("report.html"), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static void log(long t0, String s) {
        System.out.printf(Locale.ROOT, "[%4.0f s] %s%n", (System.nanoTime() - t0) / 1e9, s);
    }

    static void printTable(Demo.Result r) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-16s %14s %10s%n", "IR queries", "positives-mAP", "PCCL");
        r.alignment().forEach((k, v) -> {
            if (!k.endsWith("RGB")) {
                System.out.printf(Locale.ROOT, "%-16s %14.3f %10.3f%n", k, v.positivesMap(), v.pccl());
            }
        });
        System.out.printf(Locale.ROOT, "%n%-36s %10s %10s%n", "linear-probe mIoU (held-out)", "teacher", "UNIV");
        String[][] rows = {{Demo.RGB, "RGB (head trained on RGB)"}, {Demo.IR, "IR (head trained on IR)"},
            {Demo.IR_WITH_RGB_HEAD, "IR (the RGB-trained head)"}};
        for (String[] row : rows) {
            System.out.printf(Locale.ROOT, "%-36s %10.1f %10.1f%n", row[1], 100 * r.probes().get("teacher").get(row[0]).mIoU(),
                    100 * r.probes().get("student").get(row[0]).mIoU());
        }
        System.out.println();
        for (Demo.Verdict v : r.verdicts()) {
            System.out.printf(Locale.ROOT, "%s %s: %s%n", v.met() ? "[met]    " : "[not met]", v.claim(), v.detail());
        }
    }
}
