package org.univ.detect;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.univ.data.synth.SceneGenerator;
import org.univ.downstream.Modality;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.model.ViTConfig;
import org.univ.util.Tensors;

/**
 * Detection speed: inference images/s (backbone + head + decoding, frozen backbone) at a given size, and head
 * training steps/s in the frozen protocol from cached features and with online features (decoding, jitter and a
 * backbone forward every step). On a YOLO data root when given, else on generated scenes; DeiT-Tiny weights when
 * given, else a randomly initialised DeiT-Tiny (the same compute).
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
     * @param data    YOLO root (null: 32 generated 640×480 scenes in a temporary folder)
     * @param steps   timed steps (after {@code warmup} untimed ones) for each measurement
     */
    public static Result run(Path weights, String data, int inferenceWidth, int inferenceHeight,
                             DetectionConfig config, int steps, int warmup) {
        Path tmp = null;
        try (NDManager manager = NDManager.newBaseManager()) {
            if (data == null) {
                tmp = Files.createTempDirectory("univ-bench-det");
                SceneGenerator.builder().optSize(640, 480).optSeed(1).build().write(tmp, 32);
                data = tmp.toString();
            }
            DetectionDataset dataset = DetectionDataset.open(data, Modality.IR);
            try (Backbone backbone = weights != null ? Backbones.load(weights, manager, true) : randomTiny(manager);
                 Detector detector = Detector.forBackbone(manager, backbone, dataset.numClasses(), config)) {
                detector.initialize(0);
                DetectionModel model = new DetectionModel(backbone, detector, config, dataset.categories(),
                        Modality.IR, false).withInputSize(inferenceWidth, inferenceHeight);
                double imagesPerSecond = inference(model, config.batch(), steps, warmup, manager);
                DetectionImages images = DetectionImages.of(Modality.IR, backbone.config());
                int n = Math.min(dataset.size(), Math.max(config.batch(), 16));
                DetectionDataset subset = dataset.first(n);
                long t0 = System.nanoTime();
                double cached;
                double cacheRate;
                DetectionConfig timed = config.toBuilder().optIterations(steps + warmup).build();
                try (FeatureCache cache = FeatureCache.build(backbone, subset, images, config.width(), config.height(),
                        true, null, false, 16, manager, null)) {
                    cacheRate = 2.0 * n / ((System.nanoTime() - t0) / 1e9);
                    cached = stepsPerSecond(s -> DetectionTrainer.trainFrozen(detector, cache, timed, 0, s), warmup);
                }
                double online = stepsPerSecond(s -> DetectionTrainer.trainOnline(detector, backbone, subset, images,
                        timed.toBuilder().optProtocol(DetectionConfig.FREEZE).build(), 0, s), warmup);
                return new Result(inferenceWidth, inferenceHeight, imagesPerSecond, config.width(), config.height(),
                        config.batch(), cached, online, cacheRate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    private static Backbone randomTiny(NDManager manager) {
        Backbone b = Backbones.create(ViTConfig.preset("tiny").build(), manager);
        b.module().initialize(0);
        return b;
    }

    /** Images/s of backbone + head + decoding on random normalised inputs. */
    private static double inference(DetectionModel model, int batch, int steps, int warmup, NDManager manager) {
        int w = model.config().width();
        int h = model.config().height();
        float[] pixels = new float[batch * 3 * w * h];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(0);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rng.nextGaussian();
        }
        long start = 0;
        for (int i = 0; i < warmup + steps; i++) {
            if (i == warmup) {
                start = System.nanoTime();
            }
            try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
                model.detect(Tensors.fromFloats(m, pixels, new Shape(batch, 3, h, w)));
            }
        }
        return (double) steps * batch / ((System.nanoTime() - start) / 1e9);
    }

    /** Steps/s of a training run, timed from the end of the warm-up steps to its end. */
    private static double stepsPerSecond(java.util.function.Consumer<DetectionTrainer.Listener> training, int warmup) {
        List<DetectionTrainer.Step> seen = new ArrayList<>();
        training.accept(seen::add);
        DetectionTrainer.Step last = seen.get(seen.size() - 1);
        double startSeconds = warmup == 0 ? 0 : seen.get(warmup - 1).seconds();
        return (last.step() - warmup) / (last.seconds() - startSeconds);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
