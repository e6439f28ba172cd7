package org.univ.detect;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.univ.data.Images.Planes;
import org.univ.downstream.Modality;
import org.univ.downstream.TransferTask;
import org.univ.eval.CocoDetection;
import org.univ.eval.CocoResult;
import org.univ.model.Backbone;
import org.univ.model.ConvViTConfig;

/**
 * Detection as a {@link TransferTask}: train on one YOLO/COCO set, score AP50 and mAP (COCO AP@[.50:.95]) on another,
 * modality by modality (IR images with {@code labels/infrared}, RGB with {@code labels/visible}). Frozen protocol: one
 * {@link FeatureCache} per backbone × modality serves every seed; fine-tuning loads a fresh backbone per seed.
 * Writes the validation ground truth and every run's detections as COCO JSON, and one picture per backbone ×
 * modality (the first seed's boxes on the validation image with the most objects).
 */
public final class DetectionTransfer implements TransferTask {
    public static final String AP50 = "AP50";
    public static final String MAP = "mAP";
    /** Boxes drawn in the pictures score at least this. */
    public static final double PICTURE_MIN_SCORE = 0.25;

    private final String trainSpec;
    private final String valSpec;
    private final DetectionConfig config;
    private final NDManager manager;
    private final Consumer<String> log;
    private final DetectionTrainer.Listener listener;

    /**
     * @param trainSpec {@code ROOT:train.txt} or a COCO JSON
     * @param valSpec   {@code ROOT:val.txt} or a COCO JSON
     * @param listener  told of every training step (may be null)
     */
    public DetectionTransfer(String trainSpec, String valSpec, DetectionConfig config, NDManager manager,
                             Consumer<String> log, DetectionTrainer.Listener listener) {
        this.trainSpec = trainSpec;
        this.valSpec = valSpec;
        this.config = config;
        this.manager = manager;
        this.log = log == null ? s -> { } : log;
        this.listener = listener;
    }

    @Override
    public String name() {
        return "det";
    }

    @Override
    public List<String> metrics() {
        return List.of(AP50, MAP);
    }

    @Override
    public Result run(String backboneName, Supplier<Backbone> backbones, Modality modality, List<Long> seeds,
                      Path outDir) {
        DetectionDataset train = DetectionDataset.open(trainSpec, modality);
        DetectionDataset val = DetectionDataset.open(valSpec, modality);
        val.writeCocoJson(outDir.resolve("gt_" + modality.key() + ".json"));
        log.accept("train " + train + "; val " + val);
        List<Map<String, Double>> perSeed = new ArrayList<>();
        List<Path> pictures = new ArrayList<>();
        if (config.frozen()) {
            try (Backbone backbone = backbones.get()) {
                DetectionImages images = DetectionImages.of(modality, backbone.config());
                boolean stages = backbone.config() instanceof ConvViTConfig && config.stride() <= 8;
                long t0 = System.nanoTime();
                try (FeatureCache trainCache = FeatureCache.build(backbone, train, images, config.width(), config.height(),
                        config.flip() > 0, null, stages, 16, manager, null);
                     FeatureCache valCache = FeatureCache.build(backbone, val, images, config.width(), config.height(),
                             false, trainCache.standardization(), stages, 16, manager, null)) {
                    log.accept(String.format(java.util.Locale.ROOT, "%s %s: features of %d + %d images cached in %.0f s",
                            backboneName, modality.key(), train.size(), val.size(), (System.nanoTime() - t0) / 1e9));
                    for (long seed : seeds) {
                        try (Detector detector = Detector.forBackbone(manager, backbone, train.numClasses(), config)) {
                            DetectionTrainer.trainFrozen(detector, trainCache, config, seed, listener);
                            List<CocoDetection> found = DetectionEvaluator.predict(detector, valCache, config, null);
                            perSeed.add(score(val, found, backboneName, modality, seed, outDir));
                            if (pictures.isEmpty()) {
                                pictures.add(picture(new DetectionModel(backbone, detector, config, train.categories(),
                                        modality, false), val, backboneName, outDir));
                            }
                        }
                    }
                }
            }
        } else {
            for (long seed : seeds) {
                try (Backbone backbone = backbones.get();
                     Detector detector = Detector.forBackbone(manager, backbone, train.numClasses(), config)) {
                    DetectionTrainer.trainOnline(detector, backbone, train, DetectionImages.of(modality, backbone.config()),
                            config, seed, listener);
                    DetectionModel model = new DetectionModel(backbone, detector, config, train.categories(), modality,
                            false);
                    perSeed.add(score(val, model.predict(val, null), backboneName, modality, seed, outDir));
                    if (pictures.isEmpty()) {
                        pictures.add(picture(model, val, backboneName, outDir));
                    }
                }
            }
        }
        return new Result(perSeed, pictures);
    }

    private Map<String, Double> score(DetectionDataset val, List<CocoDetection> found, String backboneName,
                                      Modality modality, long seed, Path outDir) {
        CocoDetection.write(outDir.resolve("dt_" + backboneName + "_" + modality.key() + "_seed" + seed + ".json"), found);
        CocoResult r = DetectionEvaluator.evaluate(val, found);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(AP50, r.stat("AP50"));
        m.put(MAP, r.stat("AP"));
        log.accept(backboneName + " " + modality.key() + " seed " + seed + ": " + m);
        return m;
    }

    /** The validation image with the most objects, with this model's boxes and the ground truth. */
    private static Path picture(DetectionModel model, DetectionDataset val, String backboneName, Path outDir) {
        DetectionDataset.Sample s = val.samples().stream()
                .max(Comparator.comparingInt((DetectionDataset.Sample x) -> x.boxes().size())).orElseThrow();
        Planes planes = model.images().decode(s.image());
        Path file = outDir.resolve("det_" + backboneName + "_" + model.modality().key() + ".png");
        org.univ.data.Images.writePng(BoxPainter.draw(planes, model.detect(planes), model.classNames(), PICTURE_MIN_SCORE,
                s.boxes()), file);
        return file;
    }
}
