package org.univ.segment;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.univ.downstream.Modality;
import org.univ.downstream.TransferStudy;
import org.univ.downstream.TransferTask;
import org.univ.eval.SegMetrics;
import org.univ.io.AtomicFiles;
import org.univ.model.Backbone;

/**
 * Segmentation as a {@link TransferTask} (METHOD §7): the same UperNet head, schedule and seeds trained on whatever
 * backbone and modality {@link TransferStudy} gives, scored on the validation ids with mmseg's mIoU (the headline),
 * aAcc and mAcc. Data: a root with {@code vi/}, {@code ir/}, class-id masks in {@code mask/} (or {@link Builder#optMasks})
 * and {@code classes.txt} (or {@link Builder#optClasses}), as {@code univ data synth} writes it. Frozen protocol: one
 * backbone serves every seed; fine-tuning (LoRA injected in place) loads a fresh one per seed. Writes every run's
 * scores with the per-class table ({@code seg_<backbone>_<modality>_seed<S>.json}) and one picture per backbone ×
 * modality (the first seed's prediction next to the ground truth on the validation image with the most classes).
 */
public final class SegTransfer implements TransferTask {
    public static final String MIOU = "mIoU";
    public static final String AACC = "aAcc";
    public static final String MACC = "mAcc";
    /** Opacity of the class colours in the pictures. */
    public static final double PICTURE_ALPHA = 0.5;
    private static final int PICTURE_GAP = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String trainSpec;
    private final String valSpec;
    private final SegTrainer.Builder trainer;
    private final Path masks;
    private final LabelMap labelMap;
    private final SegClasses classes;
    private final Consumer<String> log;
    private final Consumer<SegTrainer.Step> listener;

    private SegTransfer(Builder b) {
        trainSpec = b.trainSpec;
        valSpec = b.valSpec;
        trainer = b.trainer;
        masks = b.masks;
        labelMap = b.labelMap;
        classes = b.classes;
        log = b.log;
        listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "seg";
    }

    @Override
    public List<String> metrics() {
        return List.of(MIOU, AACC, MACC);
    }

    @Override
    public Result run(String backboneName, Supplier<Backbone> backbones, Modality modality, List<Long> seeds,
                      Path outDir) {
        SegDataset train = dataset(modality, trainSpec);
        SegDataset val = dataset(modality, valSpec);
        log.accept(String.format(Locale.ROOT, "train %d %s images (%s), val %d (%s), classes %s", train.size(),
                modality.key(), train.source(), val.size(), val.source(), train.classes().names()));
        boolean frozen = trainer.optSeed(0).build().protocol() == SegTrainer.Protocol.FREEZE;
        List<Map<String, Double>> perSeed = new ArrayList<>();
        List<Path> pictures = new ArrayList<>();
        Backbone shared = frozen ? backbones.get() : null;
        try {
            for (long seed : seeds) {
                Backbone backbone = frozen ? shared : backbones.get();
                try (NDManager manager = NDManager.newBaseManager()) {
                    SegTrainer.Trained trained = trainer.optSeed(seed).build().train(backbone, train, manager, listener);
                    try (SegHead head = trained.head();
                         UnivSegmentation model = UnivSegmentation.of(backbone, head, trained.info())) {
                        SegMetrics.Result r = SegEvaluation.evaluate(model, val, null);
                        perSeed.add(score(r, trained.seconds(), train.classes(), backboneName, modality, seed, outDir));
                        if (pictures.isEmpty()) {
                            pictures.add(picture(model, val, backboneName, outDir));
                        }
                    }
                } finally {
                    if (!frozen) {
                        backbone.close();
                    }
                }
            }
        } finally {
            if (shared != null) {
                shared.close();
            }
        }
        return new Result(perSeed, pictures);
    }

    private SegDataset dataset(Modality modality, String spec) {
        SegDataset.Builder b = SegDataset.builder().setData(spec).setModality(modality).optLabelMap(labelMap);
        if (masks != null) {
            b.optMasks(masks);
        }
        if (classes != null) {
            b.optClasses(classes);
        }
        return b.load();
    }

    /** The headline metrics of one run; the whole result (per-class table included) goes to a JSON file. */
    private Map<String, Double> score(SegMetrics.Result r, double trainSeconds, SegClasses names, String backboneName,
                                      Modality modality, long seed, Path outDir) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("backbone", backboneName);
        doc.put("modality", modality.key());
        doc.put("seed", seed);
        doc.put("train_seconds", trainSeconds);
        doc.putAll(SegEvaluation.toMap(r, names));
        Path file = outDir.resolve("seg_" + backboneName + "_" + modality.key() + "_seed" + seed + ".json");
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(MIOU, r.mIoU());
        m.put(AACC, r.aAcc());
        m.put(MACC, r.mAcc());
        log.accept(String.format(Locale.ROOT, "%s %s seed %d: mIoU %.4f aAcc %.4f mAcc %.4f (trained in %.1f s)",
                backboneName, modality.key(), seed, r.mIoU(), r.aAcc(), r.mAcc(), trainSeconds));
        return m;
    }

    /**
     * The validation image with the most classes in its mask: ground truth (left) and this model's prediction (right)
     * as colour overlays, {@code seg_<backbone>_<modality>.png}.
     */
    private static Path picture(UnivSegmentation model, SegDataset val, String backboneName, Path outDir) {
        SegDataset.Item item = val.items().stream()
                .max(Comparator.comparingLong((SegDataset.Item i) -> Arrays.stream(i.mask()).distinct().count()))
                .orElseThrow();
        BufferedImage truth = SegPictures.overlay(item.image(), item.mask(), PICTURE_ALPHA, val.ignoreIndex());
        BufferedImage predicted = SegPictures.overlay(item.image(), model.predict(item.image()), PICTURE_ALPHA, -1);
        BufferedImage both = new BufferedImage(2 * item.width() + PICTURE_GAP, item.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, both.getWidth(), both.getHeight());
        g.drawImage(truth, 0, 0, null);
        g.drawImage(predicted, item.width() + PICTURE_GAP, 0, null);
        g.dispose();
        Path file = outDir.resolve("seg_" + backboneName + "_" + model.info().modality().key() + ".png");
        org.univ.data.Images.writePng(both, file);
        return file;
    }

    /**
     * Required: {@link #setTrain}, {@link #setVal} ({@code ROOT:ids.txt} each) and {@link #setTrainer} (head,
     * schedule and protocol; its seed is set per run). Optional: mask folder (default {@code ROOT/mask}), label map
     * (default identity), class names (default {@code ROOT/classes.txt}), a log and a step listener.
     */
    public static final class Builder {
        private String trainSpec;
        private String valSpec;
        private SegTrainer.Builder trainer;
        private Path masks;
        private LabelMap labelMap = LabelMap.identity();
        private SegClasses classes;
        private Consumer<String> log = s -> { };
        private Consumer<SegTrainer.Step> listener;

        public Builder setTrain(String rootAndIds) { trainSpec = rootAndIds; return this; }
        public Builder setVal(String rootAndIds) { valSpec = rootAndIds; return this; }
        public Builder setTrainer(SegTrainer.Builder v) { trainer = v; return this; }
        public Builder optMasks(Path v) { masks = v; return this; }
        public Builder optLabelMap(LabelMap v) { labelMap = v; return this; }
        public Builder optClasses(SegClasses v) { classes = v; return this; }
        /** One line per dataset and per run. */
        public Builder optLog(Consumer<String> v) { log = v == null ? s -> { } : v; return this; }
        /** Told of every training step of every run. */
        public Builder optListener(Consumer<SegTrainer.Step> v) { listener = v; return this; }

        public SegTransfer build() {
            if (trainSpec == null || valSpec == null || trainer == null) {
                throw new IllegalArgumentException("SegTransfer needs setTrain, setVal (ROOT:ids.txt) and setTrainer");
            }
            trainer.build(); // bad settings fail now, not after the first backbone's runs
            return new SegTransfer(this);
        }
    }
}
