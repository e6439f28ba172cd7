package org.univ.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.univ.detect.DetectionConfig;
import org.univ.detect.DetectionTransfer;
import org.univ.downstream.Modality;
import org.univ.downstream.ResultCache;
import org.univ.downstream.TransferStudy;
import org.univ.downstream.TransferTask;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.util.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code univ transfer}: teacher vs UNIV student on a downstream task, the same head and seeds on both backbones and
 * both modalities; one table (mean ± sd over seeds, paired difference), {@code transfer.json} and pictures.
 */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        description = "Teacher vs UNIV student downstream: the same head, schedule and seeds on both backbones, on IR"
                + " (labels/infrared) and RGB (labels/visible) images; prints AP50 / mAP as mean ± sd over seeds and the"
                + " paired difference UNIV − teacher; writes transfer.json and pictures to --out.")
final class TransferCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--teacher", required = true, description = "RGB teacher checkpoint") Path teacher;
    @Option(names = "--student", required = true, description = "UNIV student checkpoint (merged)") Path student;
    @Option(names = "--data", required = true, description = "data root (YOLO labels under labels/)") String data;
    @Option(names = "--train", required = true, description = "ids file of the training images (relative: to the root)")
    String train;
    @Option(names = "--val", required = true, description = "ids file of the evaluation images") String val;
    @Option(names = "--size", defaultValue = "448x336", description = "input WxH (default ${DEFAULT-VALUE})") String size;
    @Option(names = "--seeds", defaultValue = "3", description = "seeds 0..N-1 (default ${DEFAULT-VALUE})") int seeds;
    @Option(names = "--task", defaultValue = "det", description = "downstream task: det (default)") String task;
    @CommandLine.ArgGroup(exclusive = true)
    Protocol protocol = new Protocol();
    @Option(names = "--modality", split = ",", defaultValue = "ir,rgb", description = "modalities (default ${DEFAULT-VALUE})")
    List<String> modalities = new ArrayList<>();
    @Option(names = "--config", description = "detection config YAML (defaults: the reference probe)") Path config;
    @Option(names = "--set", description = "config override, e.g. --set iterations=100") List<String> overrides = new ArrayList<>();
    @Option(names = "--out", required = true, description = "output folder") Path out;
    @Option(names = "--threads", defaultValue = "2") int threads;
    @Option(names = "--teacher-cache", paramLabel = "DIR", description = "reuse the teacher's results from earlier"
            + " runs with identical settings (e.g. when comparing several students against one teacher)")
    Path teacherCache;
    @Option(names = "--json", description = "print transfer.json instead of the table") boolean json;
    @Option(names = "--no-progress", description = "log lines instead of a progress bar") boolean noProgress;

    static final class Protocol {
        @Option(names = "--freeze", description = "frozen backbones, cached features (default)") boolean freeze;
        @Option(names = "--finetune", description = "fine-tune the backbones (LoRA, layer-wise lr decay)") boolean finetune;
    }

    @Override
    public Integer call() throws Exception {
        if (!"det".equals(task)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--task " + task + ": only det is available so far");
        }
        if (seeds <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seeds must be > 0");
        }
        int[] wh = DetectionConfig.parseSize(size);
        List<String> sets = new ArrayList<>(overrides);
        sets.add(0, "width=" + wh[0]);
        sets.add(1, "height=" + wh[1]);
        if (protocol.finetune) {
            sets.add("protocol=finetune");
        } else if (protocol.freeze) {
            sets.add("protocol=freeze");
        }
        DetectionConfig cfg = DetectionConfig.load(config, sets);
        List<Modality> mods = modalities.stream().map(Modality::parse).distinct().toList();
        List<Long> seedList = LongStream.range(0, seeds).boxed().toList();
        for (Path p : List.of(teacher, student)) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(p + ": no such checkpoint");
            }
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve("det_config.yaml"), cfg.toYaml());
        Engines.threads(threads);
        long t0 = System.nanoTime();
        TransferStudy.Outcome outcome;
        long totalSteps = 2L * mods.size() * seeds * cfg.iterations();
        try (NDManager manager = NDManager.newBaseManager();
             DetProgress progress = new DetProgress("transfer", totalSteps, noProgress)) {
            TransferTask detection = new DetectionTransfer(root(train), root(val), cfg, manager,
                    s -> System.out.println(s), progress);
            ResultCache cache = teacherCache == null ? null : new ResultCache(teacherCache, String.join("\n",
                    task, cfg.toYaml(), data, idsIdentity(train), idsIdentity(val), seedList.toString()), teacher);
            outcome = TransferStudy.run(detection, loader(teacher, manager), loader(student, manager), mods, seedList,
                    out, s -> System.out.println(s), cache);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        var doc = new java.util.LinkedHashMap<String, Object>();
        doc.put("teacher", teacher.toString());
        doc.put("student", student.toString());
        doc.put("data", data);
        doc.put("train", train);
        doc.put("val", val);
        doc.put("protocol", cfg.protocol());
        doc.put("size", cfg.width() + "x" + cfg.height());
        doc.put("wall_seconds", Math.round(seconds * 10) / 10.0);
        doc.putAll(outcome.toMap());
        String text = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        Files.writeString(out.resolve("transfer.json"), text);
        if (json) {
            System.out.println(text);
        } else {
            System.out.printf(Locale.ROOT, "%s, %s backbones, %d seeds, %s, %.0f s; %s%n", task, cfg.protocol(), seeds,
                    size, seconds, out.resolve("transfer.json"));
            System.out.print(outcome.table());
        }
        return 0;
    }

    /** An ids file's path and contents (what the cached results depend on). */
    private String idsIdentity(String ids) throws java.io.IOException {
        Path f = Path.of(ids).isAbsolute() ? Path.of(ids) : Path.of(data).resolve(ids);
        return f.toAbsolutePath() + (Files.isRegularFile(f) ? "\n" + Files.readString(f) : "");
    }

    private String root(String ids) {
        return data + ":" + ids;
    }

    private static Supplier<Backbone> loader(Path file, NDManager manager) {
        return () -> Backbones.load(file, manager, true);
    }
}
