package org.univ.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.univ.detect.DetectionConfig;
import org.univ.detect.DetectionTrainer;
import org.univ.detect.DetectionTransfer;
import org.univ.downstream.Modality;
import org.univ.downstream.ResultCache;
import org.univ.downstream.TransferStudy;
import org.univ.downstream.TransferTask;
import org.univ.io.AtomicFiles;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.segment.SegTrainer;
import org.univ.segment.SegTransfer;
import org.univ.util.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code univ transfer}: teacher vs UNIV student on a downstream task (detection or segmentation), the same head and
 * seeds on both backbones and both modalities; one table (mean ± sd over seeds, paired difference),
 * {@code transfer.json}, the task's config and pictures, all in {@code --out} (which {@code univ report} turns into a
 * page).
 */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        description = "Teacher vs UNIV student downstream: the same head, schedule and seeds on both backbones, on IR"
                + " and RGB images. det: YOLO boxes (labels/infrared, labels/visible), AP50 / mAP; seg: class-id masks"
                + " (mask/), mIoU / aAcc / mAcc. Prints mean ± sd over seeds and the paired difference UNIV − teacher;"
                + " writes transfer.json, the config and pictures to --out.")
final class TransferCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--task", defaultValue = "det", description = "det (default) or seg") String task;
    @Option(names = "--teacher", required = true, description = "RGB teacher checkpoint") Path teacher;
    @Option(names = "--student", required = true, description = "UNIV student checkpoint (merged)") Path student;
    @Option(names = "--data", required = true, description = "data root (YOLO labels under labels/, masks under mask/)")
    String data;
    @Option(names = "--train", required = true, description = "ids file of the training images (relative: to the root)")
    String train;
    @Option(names = "--val", required = true, description = "ids file of the evaluation images") String val;
    @Option(names = "--size", defaultValue = "448x336", description = "input WxH (default ${DEFAULT-VALUE})") String size;
    @Option(names = "--seeds", defaultValue = "3", description = "number of seeds (default ${DEFAULT-VALUE})") int seeds;
    @Option(names = "--first-seed", defaultValue = "0", description = "seeds run from here: K..K+N-1 (default"
            + " ${DEFAULT-VALUE}); more seeds for an earlier study without rerunning its seeds") long firstSeed;
    @CommandLine.ArgGroup(exclusive = true)
    ProtocolOption protocol = new ProtocolOption();
    @Option(names = "--modality", split = ",", defaultValue = "ir,rgb", description = "modalities (default ${DEFAULT-VALUE})")
    List<String> modalities = new ArrayList<>();
    @Option(names = "--config", description = "the task's config YAML (det: the detection probe's keys, default the"
            + " reference probe; seg: SegTrainer's keys)") Path config;
    @Option(names = "--set", description = "config override, e.g. --set iterations=100") List<String> overrides = new ArrayList<>();
    @CommandLine.Mixin
    SegCommand.MaskOptions masks;
    @Option(names = "--classes", paramLabel = "NAMES|FILE", description = "seg: class names, comma-separated or a file"
            + " (default ROOT/classes.txt)") String classes;
    @Option(names = "--out", required = true, description = "output folder") Path out;
    @Option(names = "--threads", defaultValue = "2") int threads;
    @Option(names = "--teacher-cache", paramLabel = "DIR", description = "reuse the teacher's results from earlier"
            + " runs with identical settings (e.g. when comparing several students against one teacher)")
    Path teacherCache;
    @Option(names = "--json", description = "print transfer.json instead of the table") boolean json;
    @Option(names = "--no-progress", description = "log lines instead of a progress bar") boolean noProgress;

    /** The task, ready to run: how it trains and scores, its config as YAML and its steps per run. */
    private record Task(TransferTask task, String configYaml, String protocol, long stepsPerRun) {}

    @Override
    public Integer call() throws Exception {
        if (!List.of("det", "seg").contains(task)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--task " + task + ": expected det or seg");
        }
        if (seeds <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seeds must be > 0");
        }
        if (firstSeed < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--first-seed must be >= 0");
        }
        if ("det".equals(task) && (masks.masks != null || masks.labelMap != null || classes != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--masks, --label-map and --classes are for"
                    + " --task seg (detection reads labels/classes.txt and YOLO files)");
        }
        int[] wh = DetectionConfig.parseSize(size);
        List<String> sets = new ArrayList<>(overrides);
        sets.add(0, "width=" + wh[0]);
        sets.add(1, "height=" + wh[1]);
        if (protocol.override() != null) {
            sets.add(protocol.override());
        }
        List<Modality> mods = modalities.stream().map(Modality::parse).distinct().toList();
        List<Long> seedList = LongStream.range(firstSeed, firstSeed + seeds).boxed().toList();
        for (Path p : List.of(teacher, student)) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(p + ": no such checkpoint");
            }
        }
        Files.createDirectories(out);
        Engines.threads(threads);
        PrintWriter console = new PrintWriter(System.out, true);
        long t0 = System.nanoTime();
        TransferStudy.Outcome outcome;
        Task t;
        try (NDManager manager = NDManager.newBaseManager()) {
            Progress[] progress = new Progress[1]; // made once the config gives the steps per run
            t = "det".equals(task) ? detection(sets, manager, console, s -> progress[0].detectionStep(s))
                    : segmentation(sets, console, s -> progress[0].segmentationStep(s));
            Files.writeString(out.resolve(task + "_config.yaml"), t.configYaml());
            try (Progress p = new Progress("transfer " + task, 2L * mods.size() * seeds * t.stepsPerRun(), noProgress,
                    console, 50)) {
                progress[0] = p;
                ResultCache cache = teacherCache == null ? null : new ResultCache(teacherCache, String.join("\n",
                        task, t.configYaml(), data, idsIdentity(train), idsIdentity(val), seedList.toString()), teacher);
                outcome = TransferStudy.run(t.task(), loader(teacher, manager), loader(student, manager), mods, seedList,
                        out, console::println, cache);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("teacher", teacher.toString());
        doc.put("student", student.toString());
        doc.put("data", data);
        doc.put("train", train);
        doc.put("val", val);
        doc.put("protocol", t.protocol());
        doc.put("size", wh[0] + "x" + wh[1]);
        doc.put("config", task + "_config.yaml");
        doc.put("wall_seconds", Math.round(seconds * 10) / 10.0);
        doc.putAll(outcome.toMap(out));
        byte[] text = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
        AtomicFiles.write(out.resolve("transfer.json"), text);
        if (json) {
            System.out.println(new String(text, java.nio.charset.StandardCharsets.UTF_8));
        } else {
            System.out.printf(Locale.ROOT, "%s, %s backbones, %d seeds, %s, %.0f s; %s%n", task, t.protocol(), seeds,
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

    private Task detection(List<String> sets, NDManager manager, PrintWriter console, DetectionTrainer.Listener listener) {
        DetectionConfig cfg = DetectionConfig.load(config, sets);
        DetectionTransfer detection = new DetectionTransfer(root(train), root(val), cfg, manager, console::println,
                listener);
        return new Task(detection, cfg.toYaml(), cfg.protocol(), cfg.iterations());
    }

    private Task segmentation(List<String> sets, PrintWriter console, Consumer<SegTrainer.Step> listener) {
        SegTrainer.Builder settings = SegTrainer.builder().load(config, sets);
        SegTrainer trainer = settings.build();
        SegTransfer.Builder b = SegTransfer.builder().setTrain(root(train)).setVal(root(val)).setTrainer(settings)
                .optLabelMap(masks.labelMap()).optClasses(SegCommand.classes(classes)).optLog(console::println)
                .optListener(listener);
        if (masks.masks != null) {
            b.optMasks(masks.masks);
        }
        return new Task(b.build(), settings.toYaml(), trainer.protocol().label(), trainer.iterations());
    }

    private String root(String ids) {
        return data + ":" + ids;
    }

    private static Supplier<Backbone> loader(Path file, NDManager manager) {
        return () -> Backbones.load(file, manager, true);
    }
}
