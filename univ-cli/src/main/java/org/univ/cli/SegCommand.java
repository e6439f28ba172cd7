package org.univ.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.univ.data.ImageDecoder;
import org.univ.data.Images.Planes;
import org.univ.data.PairIndex;
import org.univ.eval.SegMetrics;
import org.univ.lora.LoRAConfig;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.segment.LabelMap;
import org.univ.downstream.Modality;
import org.univ.segment.SegCheckpoint;
import org.univ.segment.SegClasses;
import org.univ.segment.SegDataset;
import org.univ.segment.SegEvaluation;
import org.univ.segment.SegHead;
import org.univ.segment.SegHeadInfo;
import org.univ.segment.SegPictures;
import org.univ.segment.SegTrainer;
import org.univ.segment.SlidingWindow;
import org.univ.segment.UnivSegmentation;
import org.univ.util.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code univ seg}: semantic segmentation with a UperNet head on a (UNIV) backbone: train, eval, predict. */
@Command(name = "seg", mixinStandardHelpOptions = true,
        description = "Semantic segmentation: UperNet on the simple pyramid of a backbone (frozen or LoRA fine-tuned).",
        subcommands = {SegCommand.Train.class, SegCommand.Eval.class, SegCommand.Predict.class})
final class SegCommand extends CommandGroup {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How masks are read: their folder and a label map (also for {@code univ transfer --task seg}). */
    static final class MaskOptions {
        @Option(names = "--masks", paramLabel = "DIR", description = "mask folder (default ROOT/mask)")
        Path masks;

        @Option(names = "--label-map", paramLabel = "FROM:TO,...",
                description = "mask values to class ids, e.g. 255:1 for 0/255 masks (default identity, 255 = ignore)")
        String labelMap;

        LabelMap labelMap() {
            return LabelMap.parse(labelMap);
        }
    }

    /** Where labelled images are and how to read their masks. */
    static final class DataOptions {
        @Option(names = "--data", required = true, paramLabel = "ROOT[:ids.txt]",
                description = "images in ROOT/vi|ir/ (or visible|infrared/), masks in ROOT/mask/")
        String data;

        @CommandLine.Mixin
        MaskOptions masks;

        SegDataset load(Modality modality, SegClasses classes) {
            SegDataset.Builder b = SegDataset.builder().setData(data).setModality(modality).optLabelMap(masks.labelMap());
            if (masks.masks != null) {
                b.optMasks(masks.masks);
            }
            if (classes != null) {
                b.optClasses(classes);
            }
            return b.load();
        }
    }

    /** Whole-image or sliding-window inference. */
    static final class InferenceOptions {
        @Option(names = "--mode", defaultValue = "auto", description = "whole, slide, or auto (slide when the head was"
                + " trained on crops smaller than its size; default ${DEFAULT-VALUE})")
        String mode = "auto";

        @Option(names = "--crop", paramLabel = "WxH", description = "sliding-window size (default: the training crop)")
        String crop;

        @Option(names = "--stride", paramLabel = "WxH", description = "sliding-window step (default 2/3 of the crop)")
        String stride;

        void apply(UnivSegmentation seg) {
            SegHeadInfo info = seg.info();
            switch (mode.toLowerCase(Locale.ROOT)) {
                case "auto":
                    if (crop == null && stride == null) {
                        return;
                    }
                    // fall through: a crop or stride asks for windows
                case "slide": {
                    int[] c = crop != null ? SegHeadInfo.parseSize(crop, "--crop") : new int[] {info.cropWidth(), info.cropHeight()};
                    int patch = seg.backbone().config().patch();
                    SlidingWindow w = SlidingWindow.forCrop(c[1], c[0], patch);
                    if (stride != null) {
                        int[] s = SegHeadInfo.parseSize(stride, "--stride");
                        w = new SlidingWindow(c[1], c[0], s[1], s[0]);
                    }
                    seg.setSlidingWindow(w);
                    return;
                }
                case "whole":
                    seg.setSlidingWindow(null);
                    return;
                default:
                    throw new IllegalArgumentException("--mode " + mode + ": expected whole, slide or auto");
            }
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train a UperNet head (cross-entropy, ignore 255, AdamW, poly lr) and write DIR/seg-head.safetensors,"
                    + " metrics.jsonl and summary.json.")
    static final class Train implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        TrainingOptions run;

        @Option(names = "--modality", defaultValue = "ir", description = "ir or rgb (default ${DEFAULT-VALUE})")
        String modality;

        @CommandLine.Mixin
        DataOptions dataOptions;

        @Option(names = "--classes", paramLabel = "NAMES|FILE",
                description = "class names, comma-separated or a file (default ROOT/classes.txt)")
        String classes;

        @Option(names = "--size", required = true, paramLabel = "WxH", description = "training and inference size, multiples of 16")
        String size;

        @Option(names = "--crop", paramLabel = "WxH", description = "training crop (default: the size)")
        String crop;

        @Option(names = "--iterations", defaultValue = "200") int iterations;
        @Option(names = "--batch", defaultValue = "4") int batch;
        @Option(names = "--lr", defaultValue = "1e-3") double lr;
        @Option(names = "--weight-decay", defaultValue = "0.01") double weightDecay;
        @Option(names = "--warmup", defaultValue = "0", description = "linear warm-up steps before the poly decay") int warmup;
        @Option(names = "--channels", defaultValue = "64", description = "pyramid and UperNet width") int channels;
        @Option(names = "--lora-rank", defaultValue = "8") int loraRank;

        @Override
        public Integer call() throws IOException {
            Engines.threads(run.threads);
            PrintWriter w = spec.commandLine().getOut();
            Path out = run.out;
            int[] s = SegHeadInfo.parseSize(size, "--size");
            SegTrainer.Builder settings = SegTrainer.builder().setSize(s[1], s[0]).optIterations(iterations).optBatchSize(batch)
                    .optLr(lr).optWeightDecay(weightDecay).optWarmup(warmup).optChannels(channels).optSeed(run.seed)
                    .optProtocol(run.protocol.finetune ? SegTrainer.Protocol.FINETUNE : SegTrainer.Protocol.FREEZE)
                    .optLora(LoRAConfig.builder().optRank(loraRank).build());
            if (crop != null) {
                int[] c = SegHeadInfo.parseSize(crop, "--crop");
                settings.optCrop(c[1], c[0]);
            }
            SegTrainer trainer = settings.build();
            SegDataset data = dataOptions.load(Modality.parse(modality), classes(classes));
            w.printf(Locale.ROOT, "%d %s images from %s, classes %s%n", data.size(), data.modality().key(), data.source(),
                    data.classes().names());
            Files.createDirectories(out);
            Path head = out.resolve("seg-head.safetensors");
            try (NDManager m = NDManager.newBaseManager(); Backbone b = Backbones.load(run.backbone, m, true);
                 BufferedWriter metrics = Files.newBufferedWriter(out.resolve("metrics.jsonl"));
                 Progress progress = new Progress("seg train", iterations, run.noProgress, w, 10)) {
                w.println("backbone " + run.backbone + ": " + b.config() + "; protocol " + trainer.protocol().label());
                w.flush();
                SegTrainer.Trained t = trainer.train(b, data, m, step -> {
                    progress.segmentationStep(step);
                    try {
                        metrics.write(JSON.writeValueAsString(Map.of("step", step.step(), "loss", step.loss(), "lr", step.lr())));
                        metrics.newLine();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException("cannot write " + out.resolve("metrics.jsonl") + ": " + e, e);
                    }
                });
                try (SegHead h = t.head()) {
                    SegCheckpoint.save(head, h, b, t.info());
                }
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("head", head.toString());
                summary.put("backbone", run.backbone.toString());
                summary.put("protocol", trainer.protocol().label());
                summary.put("images", data.size());
                summary.put("iterations", iterations);
                summary.put("final_loss", t.losses()[iterations - 1]);
                summary.put("train_seconds", Math.round(t.seconds() * 10) / 10.0);
                JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("summary.json").toFile(), summary);
                w.printf(Locale.ROOT, "trained in %.1f s (loss %.4f -> %.4f); head %s%n", t.seconds(), t.losses()[0],
                        t.losses()[iterations - 1], head);
            }
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Score a head on labelled images (mmseg mIoU/aAcc/mAcc with the per-class table).")
    static final class Eval implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin HeadFiles model;
        @Option(names = "--modality", description = "ir or rgb (default: the head's)") String modality;
        @CommandLine.Mixin DataOptions dataOptions;
        @CommandLine.Mixin InferenceOptions inference;
        @Option(names = "--json", description = "print JSON instead of the table") boolean json;
        @Option(names = "--threads", defaultValue = "2") int threads;
        @Option(names = "--no-progress") boolean noProgress;

        @Override
        public Integer call() throws IOException {
            Engines.threads(threads);
            PrintWriter w = spec.commandLine().getOut();
            try (UnivSegmentation seg = UnivSegmentation.load(model.backbone, model.head)) {
                inference.apply(seg);
                Modality mod = modality != null ? Modality.parse(modality) : seg.info().modality();
                SegDataset data = dataOptions.load(mod, seg.classes());
                long t0 = System.nanoTime();
                SegMetrics.Result r;
                try (Progress progress = new Progress("seg eval", data.size(), noProgress, json ? null : w, 10)) {
                    r = SegEvaluation.evaluate(seg, data, i -> progress.stepTo(i, "images"));
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (json) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("data", data.source());
                    out.put("modality", mod.key());
                    out.putAll(SegEvaluation.toMap(r, seg.classes()));
                    w.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
                } else {
                    w.printf(Locale.ROOT, "%d %s images from %s (%.1f s, %s)%n", data.size(), mod.key(), data.source(),
                            seconds, seg.slidingWindow() == null ? "whole image" : "sliding window " + seg.slidingWindow());
                    w.print(r.table(seg.classes().toArray()));
                }
                w.flush();
            }
            return 0;
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Predict class maps: DIR/masks/<id>.png (class ids) and DIR/overlays/<id>.png (colours on the image).")
    static final class Predict implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin HeadFiles model;
        @Option(names = "--images", required = true, paramLabel = "DIR|FILE") Path images;
        @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
        @Option(names = "--alpha", defaultValue = "0.5", description = "overlay opacity (default ${DEFAULT-VALUE})") double alpha;
        @CommandLine.Mixin InferenceOptions inference;
        @Option(names = "--threads", defaultValue = "2") int threads;
        @Option(names = "--no-progress") boolean noProgress;

        @Override
        public Integer call() throws IOException {
            Engines.threads(threads);
            PrintWriter w = spec.commandLine().getOut();
            List<Path> files = PairIndex.imageFiles(images);
            try (UnivSegmentation seg = UnivSegmentation.load(model.backbone, model.head);
                 Progress progress = new Progress("seg predict", files.size(), noProgress, w, 10)) {
                inference.apply(seg);
                int done = 0;
                for (Path f : files) {
                    var img = ImageDecoder.read(f);
                    Planes planes = SegDataset.planes(img, seg.info().modality(), f);
                    int[] classes = seg.predict(planes);
                    String stem = PairIndex.stem(f.getFileName().toString());
                    org.univ.data.Images.writePng(SegPictures.classIds(classes, planes.height(), planes.width()),
                            out.resolve("masks").resolve(stem + ".png"));
                    org.univ.data.Images.writePng(SegPictures.overlay(planes, classes, alpha, -1),
                            out.resolve("overlays").resolve(stem + ".png"));
                    progress.stepTo(++done, stem);
                }
            }
            w.printf(Locale.ROOT, "%d images: class-id masks in %s, overlays in %s%n", files.size(), out.resolve("masks"),
                    out.resolve("overlays"));
            return 0;
        }
    }

    /** {@code background,person} or a class file. */
    static SegClasses classes(String option) {
        if (option == null) {
            return null;
        }
        Path p = Path.of(option);
        return Files.isRegularFile(p) ? SegClasses.read(p) : SegClasses.parse(option);
    }
}
