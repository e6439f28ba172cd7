package org.univ.detect;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.univ.downstream.DownstreamBenchmark;
import org.univ.downstream.Modality;
import org.univ.model.Backbone;

/**
 * Detection speed: inference images/s (backbone + head + decoding, frozen backbone) at a given size, and head
 * training steps/s in the frozen protocol from cached features and with online features (decoding, jitter and a
 * backbone forward every step). Backbone and data as {@link DownstreamBenchmark} chooses them.
 */
public final class DetectionBenchmark {
    private DetectionBenchmark() {}

    public record Result(int inferenceWidth, int inferenceHeight, double imagesPerSecond, int trainWidth,
                         int trainHeight, int batch, double cachedStepsPerSecond, double onlineStepsPerSecond,
                         double cacheImagesPerSecond) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("inference_size", inferenceWidth + "x" + inferenceHeight);
            m.put("inference_images_per_s", round(imagesPerSecond));
            m.put("train_size", trainWidth + "x" + trainHeight);
            m.put("batch", batch);
            m.put("cache_images_per_s", round(cacheImagesPerSecond));
            m.put("cached_steps_per_s", round(cachedStepsPerSecond));
            m.put("online_steps_per_s", round(onlineStepsPerSecond));
            return m;
        }

        private static double round(double v) {
            return Math.round(v * 1000) / 1000.0;
        }
    }

    /**
     * @param weights backbone checkpoint (null: random DeiT-Tiny)
     * @param data    YOLO root (null: generated 640×480 scenes in a temporary folder)
     * @param steps   timed steps (after {@code warmup} untimed ones) for each measurement
     */
    public static Result run(Path weights, String data, int inferenceWidth, int inferenceHeight,
                             DetectionConfig config, int steps, int warmup) {
        return DownstreamBenchmark.onData(data, root -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                DetectionDataset dataset = DetectionDataset.open(root, Modality.IR);
                try (Backbone backbone = DownstreamBenchmark.backbone(weights, manager);
                     Detector detector = Detector.forBackbone(manager, backbone, dataset.numClasses(), config)) {
                    detector.initialize(0);
                    DetectionModel model = new DetectionModel(backbone, detector, config, dataset.categories(),
                            Modality.IR, false).withInputSize(inferenceWidth, inferenceHeight);
                    double imagesPerSecond = DownstreamBenchmark.imagesPerSecond(model::detect, config.batch(),
                            inferenceWidth, inferenceHeight, steps, warmup, manager);
                    DetectionImages images = DetectionImages.of(Modality.IR, backbone.config());
                    int n = Math.min(dataset.size(), Math.max(config.batch(), 16));
                    DetectionDataset subset = dataset.first(n);
                    long t0 = System.nanoTime();
                    double cached;
                    double cacheRate;
                    DetectionConfig timed = config.toBuilder().optIterations(steps + warmup).build();
                    try (FeatureCache cache = FeatureCache.build(backbone, subset, images, config.width(),
                            config.height(), true, null, false, 16, manager, null)) {
                        cacheRate = 2.0 * n / ((System.nanoTime() - t0) / 1e9);
                        cached = stepsPerSecond(s -> DetectionTrainer.trainFrozen(detector, cache, timed, 0, s), warmup);
                    }
                    double online = stepsPerSecond(s -> DetectionTrainer.trainOnline(detector, backbone, subset, images,
                            timed.toBuilder().optProtocol(DetectionConfig.FREEZE).build(), 0, s), warmup);
                    return new Result(inferenceWidth, inferenceHeight, imagesPerSecond, config.width(), config.height(),
                            config.batch(), cached, online, cacheRate);
                }
            }
        });
    }

    /** Steps/s of a training run after its warm-up steps. */
    private static double stepsPerSecond(Consumer<DetectionTrainer.Listener> training, int warmup) {
        List<Double> seconds = new ArrayList<>();
        training.accept(s -> seconds.add(s.seconds()));
        return DownstreamBenchmark.stepsPerSecond(seconds, warmup);
    }
}
