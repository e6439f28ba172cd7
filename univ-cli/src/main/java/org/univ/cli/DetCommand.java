package org.univ.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.univ.data.Images.Planes;
import org.univ.data.PairIndex;
import org.univ.detect.BoxPainter;
import org.univ.detect.Detection;
import org.univ.detect.DetectionConfig;
import org.univ.detect.DetectionDataset;
import org.univ.detect.DetectionEvaluator;
import org.univ.detect.DetectionImages;
import org.univ.detect.DetectionModel;
import org.univ.detect.DetectionTrainer;
import org.univ.detect.Detector;
import org.univ.detect.FeatureCache;
import org.univ.downstream.Modality;
import org.univ.eval.CocoDetection;
import org.univ.eval.CocoEval;
import org.univ.eval.CocoGroundTruth;
import org.univ.eval.CocoResult;
import org.univ.io.AtomicFiles;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.model.ConvViTConfig;
import org.univ.util.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code univ det}: object detection — train a head on a backbone, predict, evaluate (COCO box AP). */
@Command(name = "det", mixinStandardHelpOptions = true, description = "Object detection: train, predict, eval, gt.",
        subcommands = {DetCommand.Train.class, DetCommand.Predict.class, DetCommand.Eval.class, DetCommand.Gt.class})
final class DetCommand extends CommandGroup {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train the CenterNet-style detection head on a backbone (frozen: cached features; or"
                    + " fine-tuned). Writes head.safetensors, det_config.yaml, metrics.jsonl and, with --val, COCO"
                    + " gt.json / dt.json and eval.json.")
    static final class Train implements Callable<Integer> {
        @CommandLine.Mixin TrainingOptions run;
        @Option(names = "--modality", required = true, description = "ir or rgb") String modality;
        @Option(names = "--data", required = true, description = "ROOT[:ids.txt] (YOLO labels) or a COCO JSON") String data;
        @Option(names = "--val", description = "evaluation set: ROOT[:ids.txt] or a COCO JSON") String val;
        @Option(names = "--size", description = "input WxH (default 448x336)") String size;
        @Option(names = "--config", description = "detection config YAML") Path config;
        @Option(names = "--set", description = "config override, e.g. --set iterations=100") List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            List<String> sets = new ArrayList<>(overrides);
            if (size != null) {
                int[] wh = DetectionConfig.parseSize(size);
                sets.add("width=" + wh[0]);
                sets.add("height=" + wh[1]);
            }
            if (run.protocol.override() != null) {
                sets.add(run.protocol.override());
            }
            sets.add("seed=" + run.seed);
            Path out = run.out;
            DetectionConfig cfg = DetectionConfig.load(config, sets);
            Modality mod = Modality.parse(modality);
            DetectionDataset train = DetectionDataset.open(data, mod);
            DetectionDataset eval = val == null ? null : DetectionDataset.open(val, mod);
            System.out.println("train: " + train + (eval == null ? "" : "\nval:   " + eval));
            Files.createDirectories(out);
            Files.writeString(out.resolve("det_config.yaml"), cfg.toYaml());
            Engines.threads(run.threads);
            long t0 = System.nanoTime();
            try (NDManager manager = NDManager.newBaseManager();
                 Backbone net = Backbones.load(run.backbone, manager, true);
                 Detector detector = Detector.forBackbone(manager, net, train.numClasses(), cfg);
                 BufferedWriter metrics = Files.newBufferedWriter(out.resolve("metrics.jsonl"), StandardCharsets.UTF_8);
                 Progress progress = new Progress("det train", cfg.iterations(), run.noProgress,
                         new PrintWriter(System.out, true), 50)) {
                DetectionTrainer.Listener listener = s -> {
                    progress.detectionStep(s);
                    try {
                        metrics.write(JSON.writeValueAsString(s.toMap()));
                        metrics.newLine();
                        metrics.flush();
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot write " + out.resolve("metrics.jsonl") + ": " + e, e);
                    }
                };
                DetectionImages images = DetectionImages.of(mod, net.config());
                DetectionModel model = new DetectionModel(net, detector, cfg, train.categories(), mod, false);
                List<CocoDetection> found = null;
                if (cfg.frozen()) {
                    boolean stages = net.config() instanceof ConvViTConfig && cfg.stride() <= 8;
                    try (FeatureCache cache = FeatureCache.build(net, train, images, cfg.width(), cfg.height(),
                            cfg.flip() > 0, null, stages, 16, manager, null)) {
                        System.out.printf(Locale.ROOT, "features of %d images cached (%.0f s)%n", train.size(),
                                (System.nanoTime() - t0) / 1e9);
                        DetectionTrainer.trainFrozen(detector, cache, cfg, run.seed, listener);
                        if (eval != null) {
                            try (FeatureCache valCache = FeatureCache.build(net, eval, images, cfg.width(), cfg.height(),
                                    false, cache.standardization(), stages, 16, manager, null)) {
                                found = DetectionEvaluator.predict(detector, valCache, cfg, null);
                            }
                        }
                    }
                } else {
                    DetectionTrainer.trainOnline(detector, net, train, images, cfg, run.seed, listener);
                    if (eval != null) {
                        found = model.predict(eval, null);
                    }
                }
                model.save(out.resolve("head.safetensors"));
                double seconds = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("head", out.resolve("head.safetensors").toString());
                summary.put("iterations", cfg.iterations());
                summary.put("wall_seconds", Math.round(seconds * 10) / 10.0);
                if (eval != null) {
                    eval.writeCocoJson(out.resolve("gt.json"));
                    CocoDetection.write(out.resolve("dt.json"), found);
                    CocoResult r = DetectionEvaluator.evaluate(eval, found);
                    summary.put("eval", r.toMap());
                    System.out.print(r.summary());
                    System.out.println();
                    System.out.print(r.perClassTable());
                }
                AtomicFiles.write(out.resolve("summary.json"),
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
                System.out.printf(Locale.ROOT, "done in %.1f s: %s%n", seconds, out.resolve("head.safetensors"));
            }
            return 0;
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Detect objects in images with a trained head: pictures with boxes (PNG) and COCO results"
                    + " (detections.json, with images.json naming the image ids).")
    static final class Predict implements Callable<Integer> {
        @CommandLine.Mixin HeadFiles model;
        @Option(names = "--images", required = true, description = "an image file or a folder of images") Path images;
        @Option(names = "--out", required = true, description = "output folder") Path out;
        @Option(names = "--size", description = "input WxH (default: the head's training size)") String size;
        @Option(names = "--min-score", defaultValue = "0.3", description = "boxes drawn score at least this"
                + " (default ${DEFAULT-VALUE}; the JSON keeps all)") double minScore;
        @Option(names = "--threads", defaultValue = "2") int threads;

        @Override
        public Integer call() throws Exception {
            List<Path> files = PairIndex.imageFiles(images);
            DetectionModel.requireFile(model.head);
            Files.createDirectories(out);
            Engines.threads(threads);
            long t0 = System.nanoTime();
            List<CocoDetection> all = new ArrayList<>();
            List<Map<String, Object>> imageRows = new ArrayList<>();
            try (NDManager manager = NDManager.newBaseManager();
                 DetectionModel detector = sized(DetectionModel.load(model.backbone, model.head, manager), size)) {
                for (int i = 0; i < files.size(); i++) {
                    Path f = files.get(i);
                    Planes planes = detector.images().decode(f);
                    List<Detection> found = detector.detect(planes);
                    long id = i + 1L;
                    for (Detection d : found) {
                        all.add(d.toCoco(id, detector.categories().get(d.classIndex()).id()));
                    }
                    imageRows.add(Map.of("id", id, "file_name", f.toString(), "width", planes.width(),
                            "height", planes.height()));
                    String stem = PairIndex.stem(f.getFileName().toString());
                    org.univ.data.Images.writePng(BoxPainter.draw(planes, found, detector.classNames(), minScore, null),
                            out.resolve(stem + ".png"));
                    System.out.printf(Locale.ROOT, "%s: %d detections (%d ≥ %.2f)%n", f.getFileName(), found.size(),
                            found.stream().filter(d -> d.score() >= minScore).count(), minScore);
                }
            }
            CocoDetection.write(out.resolve("detections.json"), all);
            AtomicFiles.write(out.resolve("images.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(imageRows));
            System.out.printf(Locale.ROOT, "%d images in %.1f s → %s%n", files.size(), (System.nanoTime() - t0) / 1e9, out);
            return 0;
        }
    }

    @Command(name = "gt", mixinStandardHelpOptions = true,
            description = "Write the COCO ground truth of YOLO-labelled images (images with file names and sizes,"
                    + " annotations, categories), to score any detector's COCO results with 'univ det eval --gt --dt'.")
    static final class Gt implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "ROOT[:ids.txt]",
                description = "images in ROOT/vi|ir/, YOLO boxes in ROOT/labels/visible|infrared/") String data;
        @Option(names = "--modality", required = true, description = "ir or rgb: whose images and boxes") String modality;
        @Option(names = "--out", required = true, paramLabel = "GT.json", description = "the file to write") Path out;

        @Override
        public Integer call() throws IOException {
            DetectionDataset dataset = DetectionDataset.open(data, Modality.parse(modality));
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            dataset.writeCocoJson(out);
            System.out.printf(Locale.ROOT, "%d images, %d boxes, classes %s -> %s%n", dataset.size(), dataset.boxCount(),
                    dataset.classNames(), out);
            return 0;
        }
    }

    /** A loaded model at another input size when {@code size} is given. */
    static DetectionModel sized(DetectionModel model, String size) {
        if (size == null) {
            return model;
        }
        int[] wh = DetectionConfig.parseSize(size);
        return model.withInputSize(wh[0], wh[1]);
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "COCO box evaluation (pycocotools COCOeval semantics, iouType bbox): the 12-number summary"
                    + " and AP / AP50 / AP75 per category. Either score a results file (--gt --dt) or run a trained head"
                    + " on a dataset (--head --backbone --data --modality).")
    static final class Eval implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--gt", paramLabel = "GT.json",
                description = "COCO ground truth: images, annotations (bbox [x,y,w,h], category_id, area, iscrowd),"
                        + " categories")
        Path gt;

        @Option(names = "--dt", paramLabel = "DT.json",
                description = "COCO results: a list of {image_id, category_id, bbox [x,y,w,h], score}")
        Path dt;

        @Option(names = "--head", description = "a head from univ det train (instead of --gt/--dt)") Path head;
        @Option(names = "--backbone", description = "the backbone the head was trained on") Path backbone;
        @Option(names = "--data", description = "ROOT[:ids.txt] (YOLO) or a COCO JSON to evaluate on") String data;
        @Option(names = "--modality", description = "ir or rgb (default: the head's)") String modality;
        @Option(names = "--size", description = "input WxH (default: the head's training size)") String size;
        @Option(names = "--out", description = "also write gt.json and dt.json here (with --head)") Path out;
        @Option(names = "--threads", defaultValue = "2") int threads;

        @Option(names = "--json", description = "print JSON instead of the summary and table")
        boolean json;

        @Override
        public Integer call() throws Exception {
            boolean files = gt != null || dt != null;
            boolean model = head != null || backbone != null || data != null;
            if (files == model || (files && (gt == null || dt == null))
                    || (model && (head == null || backbone == null || data == null))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give either --gt GT.json --dt DT.json,"
                        + " or --head H.safetensors --backbone W --data ROOT[:ids] [--modality ir|rgb] [--size WxH]");
            }
            long t0 = System.nanoTime();
            CocoGroundTruth truth;
            List<CocoDetection> detections;
            if (files) {
                truth = CocoGroundTruth.read(gt);
                detections = CocoDetection.read(dt);
            } else {
                DetectionModel.requireFile(head);
                Engines.threads(threads);
                Modality mod = Modality.parse(modality != null ? modality
                        : DetectionModel.metadata(head).getOrDefault("modality", "rgb"));
                DetectionDataset dataset = DetectionDataset.open(data, mod);
                try (NDManager manager = NDManager.newBaseManager();
                     DetectionModel m = sized(DetectionModel.load(backbone, head, manager), size)) {
                    checkClasses(m, dataset);
                    detections = m.predict(dataset, null);
                }
                truth = dataset.groundTruth();
                if (out != null) {
                    Files.createDirectories(out);
                    dataset.writeCocoJson(out.resolve("gt.json"));
                    CocoDetection.write(out.resolve("dt.json"), detections);
                }
            }
            CocoResult result;
            try {
                result = CocoEval.evaluate(truth, detections);
            } catch (IllegalArgumentException e) {
                throw dt == null || e.getMessage().startsWith(dt.toString()) ? e
                        : new IllegalArgumentException(dt + " against " + gt + ": " + e.getMessage(), e);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result.toMap()));
            } else {
                var m = result.toMap();
                out.printf(Locale.ROOT, "%s images, %s categories, %s annotations, %s detections (%.2f s)%n",
                        m.get("images"), m.get("categories"), m.get("annotations"), m.get("detections"), seconds);
                out.print(result.summary());
                out.println();
                out.print(result.perClassTable());
            }
            out.flush();
            return 0;
        }

        private static void checkClasses(DetectionModel m, DetectionDataset d) {
            if (!m.classNames().equals(d.classNames())) {
                throw new IllegalArgumentException(d.source() + ": classes " + d.classNames() + " differ from the head's "
                        + m.classNames() + "; evaluate on data with the head's class list");
            }
        }
    }
}
