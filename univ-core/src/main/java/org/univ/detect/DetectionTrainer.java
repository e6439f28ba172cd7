package org.univ.detect;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.univ.data.Images.Planes;
import org.univ.downstream.DenseFeatures;
import org.univ.downstream.LayerDecay;
import org.univ.lora.DropoutMasks;
import org.univ.lora.LoRA;
import org.univ.lora.LoRAConfig;
import org.univ.model.Backbone;
import org.univ.model.BackboneOutput;
import org.univ.model.Parameter;
import org.univ.train.AdamW;
import org.univ.train.NonFiniteLossException;
import org.univ.train.Schedules;
import org.univ.util.Tensors;

/**
 * Trains a {@link Detector}: AdamW ({@link AdamW}) with linear warm-up and cosine decay ({@link Schedules}), batches
 * drawn epoch by epoch in a seeded order, every step in its own {@link NDScope}, a {@link NonFiniteLossException}
 * when the loss stops being finite. The same seed gives the same weights.
 * <ul>
 *   <li>{@link #trainFrozen}: the backbone's features come from a {@link FeatureCache}; jitter = horizontal flip (a
 *       cached mirrored copy) and a shift of the token map by up to {@code shift_tokens} whole tokens.</li>
 *   <li>{@link #trainOnline}: images are decoded every step with flip and scale jitter and go through the backbone —
 *       frozen ({@code protocol: freeze}) or trained ({@code finetune}: LoRA adapters or all weights, with layer-wise
 *       lr decay). Token statistics for the standardisation come from the initial backbone.</li>
 * </ul>
 */
public final class DetectionTrainer {
    private static final long ORDER_STREAM = 0x4445_5445_4354L;
    /** Images whose token statistics standardise the online protocol's features. */
    public static final int STATISTICS_IMAGES = 32;

    private DetectionTrainer() {}

    /** One finished step. */
    public record Step(int step, int total, double loss, double focal, double offset, double size, double giou,
                       double lr, double seconds) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("loss", loss);
            m.put("loss_focal", focal);
            m.put("loss_offset", offset);
            m.put("loss_size", size);
            m.put("loss_giou", giou);
            m.put("lr", lr);
            return m;
        }
    }

    /** Told after every step. */
    @FunctionalInterface
    public interface Listener {
        void onStep(Step step);
    }

    /** What a batch is before the head: standardised features and the boxes that go with them (input pixels). */
    private record Batch(DenseFeatures features, List<List<DetectionDataset.Box>> boxes) {}

    @FunctionalInterface
    private interface BatchSource {
        /** Makes batch {@code step} from the images {@code picks}; arrays join the step's scope. */
        Batch next(int[] picks, SplittableRandom rng);
    }

    /**
     * The frozen protocol on cached features. The detector is (re)initialised from {@code seed} and its
     * standardisation set to the cache's; the cache is not changed and may be reused for other seeds.
     */
    public static void trainFrozen(Detector detector, FeatureCache cache, DetectionConfig config, long seed,
                                   Listener listener) {
        detector.initialize(seed);
        FeatureCache.Standardization st = cache.standardization();
        detector.setStandardization(st.mean(), st.std());
        int patch = cache.width() / cache.gridWidth();
        int maxShift = config.shiftTokens();
        BatchSource source = (picks, rng) -> {
            int[] entries = new int[picks.length];
            int[] dx = new int[picks.length];
            int[] dy = new int[picks.length];
            List<List<DetectionDataset.Box>> boxes = new ArrayList<>(picks.length);
            for (int i = 0; i < picks.length; i++) {
                boolean flip = cache.flips() > 1 && rng.nextDouble() < config.flip();
                entries[i] = cache.entry(picks[i], flip);
                dx[i] = maxShift == 0 ? 0 : rng.nextInt(2 * maxShift + 1) - maxShift;
                dy[i] = maxShift == 0 ? 0 : rng.nextInt(2 * maxShift + 1) - maxShift;
                boxes.add(DetectionAugment.translate(cache.boxes(entries[i]), dx[i] * patch, dy[i] * patch,
                        cache.width(), cache.height()));
            }
            return new Batch(cache.shifted(entries, dx, dy), boxes);
        };
        Map<String, Parameter> trainable = headParameters(detector);
        run(detector, trainable, null, source, cache.size(), config, seed, listener, null);
    }

    /**
     * The online protocol: images decoded and jittered every step, features from {@code backbone}. With
     * {@code protocol: finetune} the backbone trains too (LoRA injected here, or all weights), its parameters
     * with lr × {@code backbone_lr} × layer decay; the caller keeps the (changed) backbone.
     */
    public static void trainOnline(Detector detector, Backbone backbone, DetectionDataset data, DetectionImages images,
                                   DetectionConfig config, long seed, Listener listener) {
        detector.initialize(seed);
        int width = config.width();
        int height = config.height();
        backbone.module().setTraining(false);
        FeatureCache.Standardization st = onlineStatistics(backbone, data, images, width, height, config.standardize());
        detector.setStandardization(st.mean(), st.std());
        Map<String, Parameter> trainable = headParameters(detector);
        Map<String, Double> lrScale = new LinkedHashMap<>();
        DropoutMasks masks = new DropoutMasks();
        if (!config.frozen()) {
            if ("lora".equals(config.finetune())) {
                LoRA.inject(backbone.module(), LoRAConfig.builder().optRank(config.loraRank())
                        .optAlpha((float) config.loraAlpha()).optDropout((float) config.loraDropout()).build(), seed, masks);
            } else {
                backbone.module().setTrainable(true);
            }
            backbone.module().setTraining(true);
            lrScale.putAll(LayerDecay.scales(backbone.module(), "backbone.", config.backboneLr(), config.layerDecay()));
            backbone.module().namedParameters().forEach((n, p) -> {
                if (p.isTrainable()) {
                    trainable.put("backbone." + n, p);
                }
            });
        } else {
            backbone.module().setTrainable(false);
        }
        boolean withGradient = !config.frozen();
        BatchSource source = (picks, rng) -> {
            float[] pixels = new float[picks.length * 3 * width * height];
            List<List<DetectionDataset.Box>> boxes = new ArrayList<>(picks.length);
            for (int i = 0; i < picks.length; i++) {
                DetectionDataset.Sample s = data.get(picks[i]);
                Planes planes = images.decode(s.image());
                DetectionAugment.Geometry g = DetectionAugment.Geometry.random(rng, config.scaleMin(), config.scaleMax(),
                        config.flip(), width, height);
                System.arraycopy(images.prepare(planes, width, height, g), 0, pixels, i * 3 * width * height,
                        3 * width * height);
                boxes.add(DetectionAugment.apply(s.boxes(), planes.width(), planes.height(), width, height, g));
            }
            NDManager m = detector.getManager();
            NDArray input = Tensors.fromFloats(m, pixels, new Shape(picks.length, 3, height, width));
            BackboneOutput out = backbone.forward(input);
            DenseFeatures raw = DenseFeatures.of(out);
            if (!withGradient) {
                raw = new DenseFeatures(raw.map().stopGradient(), raw.stageMaps().stream().map(NDArray::stopGradient).toList());
            }
            return new Batch(detector.standardize(raw), boxes);
        };
        try {
            run(detector, trainable, lrScale, source, data.size(), config, seed, listener,
                    withGradient ? step -> masks.reseed(seed, step) : null);
        } finally {
            backbone.module().setTraining(false);
        }
    }

    /** Per-channel statistics of the backbone's token maps over the first {@link #STATISTICS_IMAGES} images. */
    static FeatureCache.Standardization onlineStatistics(Backbone backbone, DetectionDataset data, DetectionImages images,
                                                         int width, int height, boolean standardize) {
        int dim = backbone.config() instanceof org.univ.model.ViTConfig v ? v.embedDim()
                : ((org.univ.model.ConvViTConfig) backbone.config()).embedDim();
        if (!standardize) {
            return FeatureCache.Standardization.identity(dim);
        }
        int n = Math.min(STATISTICS_IMAGES, data.size());
        List<NDArray> maps = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            for (int start = 0; start < n; start += 8) {
                int end = Math.min(n, start + 8);
                float[] pixels = new float[(end - start) * 3 * width * height];
                for (int i = start; i < end; i++) {
                    System.arraycopy(images.prepare(images.decode(data.get(i).image()), width, height), 0, pixels,
                            (i - start) * 3 * width * height, 3 * width * height);
                }
                NDArray input = Tensors.fromFloats(m, pixels, new Shape(end - start, 3, height, width));
                maps.add(DenseFeatures.of(backbone.forward(input)).map().stopGradient());
            }
            return FeatureCache.statistics(ai.djl.ndarray.NDArrays.concat(new NDList(maps), 0));
        }
    }

    /** Pyramid and head parameters (not the stored standardisation), marked trainable. */
    private static Map<String, Parameter> headParameters(Detector detector) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        detector.namedParameters().forEach((n, p) -> {
            boolean train = !n.startsWith("token_");
            p.setTrainable(train);
            if (train) {
                out.put(n, p);
            }
        });
        return out;
    }

    private static void run(Detector detector, Map<String, Parameter> trainable, Map<String, Double> lrScale,
                            BatchSource source, int images, DetectionConfig config, long seed, Listener listener,
                            java.util.function.LongConsumer beforeStep) {
        CenterNetLoss loss = new CenterNetLoss(config);
        SplittableRandom rng = new SplittableRandom(seed ^ ORDER_STREAM);
        int[] order = new int[images];
        int position = images; // forces a shuffle before the first batch
        int batch = Math.min(config.batch(), images);
        int total = config.iterations();
        long started = System.nanoTime();
        detector.setTraining(true);
        try (AdamW optimizer = new AdamW(detector.getManager(), 0.9, 0.999, 1e-8)) {
            for (int step = 0; step < total; step++) {
                int[] picks = new int[batch];
                for (int i = 0; i < batch; i++) {
                    if (position == images) {
                        shuffle(order, rng);
                        position = 0;
                    }
                    picks[i] = order[position++];
                }
                if (beforeStep != null) {
                    beforeStep.accept(step);
                }
                double lr = Schedules.learningRate(config.lr(), config.minLr(), config.warmup(), step, total, true);
                double[] terms = step(detector, loss, source, picks, rng, config, step);
                update(optimizer, trainable, lr, config.weightDecay(), lrScale);
                if (listener != null) {
                    listener.onStep(new Step(step + 1, total, terms[0], terms[1], terms[2], terms[3], terms[4], lr,
                            (System.nanoTime() - started) / 1e9));
                }
            }
        } finally {
            detector.setTraining(false);
            trainable.values().forEach(p -> p.setTrainable(false));
        }
    }

    /** Forward, loss and backward of one batch, all in one scope; returns total, focal, offset, size, GIoU. */
    private static double[] step(Detector detector, CenterNetLoss loss, BatchSource source, int[] picks,
                                 SplittableRandom rng, DetectionConfig config, int step) {
        try (NDScope scope = new NDScope();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            Batch b = source.next(picks, rng);
            CenterNetHead.HeadOutput out = detector.forward(b.features());
            Shape s = out.heatmapLogits().getShape();
            CenterNetTargets targets = CenterNetTargets.encode(b.boxes(), detector.numClasses(), (int) s.get(2),
                    (int) s.get(3), detector.stride());
            CenterNetLoss.Terms t = loss.compute(out, targets.toNDList(out.heatmapLogits().getManager()),
                    detector.stride());
            double[] values = {t.total().getFloat(), t.focal().getFloat(), t.offset().getFloat(), t.size().getFloat(),
                    t.giou().getFloat()};
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    throw new NonFiniteLossException(String.format(Locale.ROOT, "detection loss is not finite at step %d"
                            + " (total %s, focal %s, offset %s, size %s, GIoU %s); training stopped. Lower the lr (now %s)"
                            + " or check the features and boxes of this batch.", step + 1, values[0], values[1],
                            values[2], values[3], values[4], config.lr()));
                }
            }
            collector.backward(t.total());
            return values;
        }
    }

    /** AdamW outside the step scope, then the gradients are zeroed (libtorch accumulates them). */
    private static void update(AdamW optimizer, Map<String, Parameter> trainable, double lr, double weightDecay,
                               Map<String, Double> lrScale) {
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            trainable.forEach((n, p) -> grads.put(n, p.array().getGradient()));
            optimizer.step(trainable, grads, lr, weightDecay, lrScale);
            grads.values().forEach(g -> g.muli(0f));
        }
    }

    private static void shuffle(int[] order, SplittableRandom rng) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
