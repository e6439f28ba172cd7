package org.univ.segment;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.univ.data.Images;
import org.univ.data.Images.Planes;
import org.univ.data.Seeds;
import org.univ.downstream.DenseFeatures;
import org.univ.lora.DropoutMasks;
import org.univ.lora.LoRA;
import org.univ.lora.LoRAConfig;
import org.univ.loss.PixelCrossEntropy;
import org.univ.model.Backbone;
import org.univ.model.BackboneOutput;
import org.univ.model.Parameter;
import org.univ.train.AdamW;
import org.univ.train.NonFiniteLossException;
import org.univ.train.Schedules;
import org.univ.util.Tensors;
import org.univ.util.YamlConfig;

/**
 * Trains a {@link SegHead} (simple pyramid + UperNet) on a backbone: pixel cross-entropy with the ignore index at
 * crop resolution, AdamW (decay on ≥ 2-D tensors only), mmseg's poly learning rate (power 1 by default, optional
 * linear warm-up), seeded initialisation and data order. Two protocols (METHOD §7):
 * <ul>
 *   <li>{@link Protocol#FREEZE}: the backbone is frozen and run once per image and per flip on the image resized to
 *       the training size; its stride-16 map (and a ConvViT's stage maps) are cached, and every step takes cached maps
 *       with a random flip and a random crop aligned to the patch grid (crop ≤ size). The representation protocol.</li>
 *   <li>{@link Protocol#FINETUNE}: LoRA adapters are injected into the backbone (it is changed in place) and trained
 *       with the head; images get mmseg's random resize (of the training size) / crop / flip ({@link SegAugment}).</li>
 * </ul>
 * Everything random is a pure function of (seed, step, sample): two runs with one seed give the same head.
 */
public final class SegTrainer {
    /** Backbone frozen (features cached) or fine-tuned with LoRA. */
    public enum Protocol {
        FREEZE, FINETUNE;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code freeze} or {@code finetune}, any case. */
        @JsonCreator
        public static Protocol parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("protocol '" + s + "': expected freeze or finetune", e);
            }
        }
    }

    /** Progress of one step. */
    public record Step(int step, int total, double loss, double lr, double imagesPerSecond, double seconds) {}

    /** The trained head with its settings and the loss of every step. */
    public record Trained(SegHead head, SegHeadInfo info, float[] losses, double seconds) {}

    private final Protocol protocol;
    private final int height;
    private final int width;
    private final int cropHeight;
    private final int cropWidth;
    private final int iterations;
    private final int batchSize;
    private final double lr;
    private final double minLr;
    private final double power;
    private final int warmup;
    private final double weightDecay;
    private final long seed;
    private final int channels;
    private final double scaleMin;
    private final double scaleMax;
    private final double catMaxRatio;
    private final LoRAConfig lora;

    private SegTrainer(Builder b) {
        protocol = b.protocol;
        height = b.height;
        width = b.width;
        cropHeight = b.cropHeight > 0 ? b.cropHeight : b.height;
        cropWidth = b.cropWidth > 0 ? b.cropWidth : b.width;
        iterations = b.iterations;
        batchSize = b.batchSize;
        lr = b.lr;
        minLr = b.minLr;
        power = b.power;
        warmup = b.warmup;
        weightDecay = b.weightDecay;
        seed = b.seed;
        channels = b.channels;
        scaleMin = b.scaleMin;
        scaleMax = b.scaleMax;
        catMaxRatio = b.catMaxRatio;
        lora = b.lora;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Protocol protocol() {
        return protocol;
    }

    /** Training steps of one run. */
    public int iterations() {
        return iterations;
    }

    /** Images per step. */
    public int batchSize() {
        return batchSize;
    }

    public double learningRate(int step) {
        return Schedules.poly(lr, minLr, power, warmup, step, iterations);
    }

    /**
     * Trains a new head on {@code data}.
     *
     * @param backbone frozen as given ({@code FREEZE}) or changed in place by LoRA injection ({@code FINETUNE})
     * @param manager  where the head's parameters live
     * @param listener called after every step, may be null
     */
    public Trained train(Backbone backbone, SegDataset data, NDManager manager, Consumer<Step> listener) {
        int patch = backbone.config().patch();
        check(patch);
        long t0 = System.nanoTime();
        SegHead head = SegHead.forBackbone(manager, backbone, data.classes().size(), channels);
        head.initialize(seed);
        head.setTrainable(true);
        head.setTraining(true);
        Map<String, Parameter> params = new LinkedHashMap<>();
        head.namedParameters().forEach((n, p) -> params.put("head." + n, p));
        DropoutMasks dropout = new DropoutMasks();
        if (protocol == Protocol.FINETUNE) {
            LoRA.inject(backbone.module(), lora, seed, dropout);
            backbone.module().setTraining(true);
            LoRA.loraParameters(backbone.module()).forEach((n, p) -> params.put("backbone." + n, p));
        } else {
            backbone.module().setTrainable(false);
            backbone.module().setTraining(false);
        }
        float[] losses = new float[iterations];
        try (NDManager work = manager.newSubManager(); AdamW optimizer = new AdamW(work, 0.9, 0.999, 1e-8)) {
            float[] mean = data.modality().mean(backbone.config().mean());
            float[] std = data.modality().std(backbone.config().std());
            FeatureCache cache = protocol == Protocol.FREEZE
                    ? FeatureCache.build(backbone, data, height, width, mean, std, work) : null;
            SegAugment augment = SegAugment.builder().setSize(height, width).optCrop(cropHeight, cropWidth)
                    .optScaleRange(scaleMin, scaleMax).optCatMaxRatio(catMaxRatio).optIgnoreIndex(data.ignoreIndex()).build();
            long[] order = null;
            long orderEpoch = -1;
            for (int step = 0; step < iterations; step++) {
                int[] indices = new int[batchSize];
                for (int k = 0; k < batchSize; k++) {
                    long sample = (long) step * batchSize + k;
                    long epoch = sample / data.size();
                    if (epoch != orderEpoch) {
                        order = permutation(data.size(), Seeds.random(Seeds.SEGMENT, seed, epoch, -1));
                        orderEpoch = epoch;
                    }
                    indices[k] = (int) order[(int) (sample % data.size())];
                }
                dropout.reseed(seed, step);
                double stepLr = learningRate(step);
                float loss;
                try (NDManager stepManager = work.newSubManager(); NDScope scope = new NDScope()) {
                    Batch batch = cache != null ? cache.batch(indices, step, seed, cropHeight / patch, cropWidth / patch,
                            patch, stepManager) : augmentedBatch(data, augment, mean, std, indices, step, stepManager);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        DenseFeatures features = batch.features() != null ? batch.features()
                                : DenseFeatures.of(backbone.forward(batch.images()));
                        NDArray logits = head.logits(features, batch.height(), batch.width());    // [B, K, h, w]
                        NDArray l = PixelCrossEntropy.loss(logits, batch.masks(), data.ignoreIndex());
                        loss = l.getFloat();
                        if (!Float.isFinite(loss)) {
                            throw new NonFiniteLossException(String.format(Locale.ROOT, "segmentation loss is not finite"
                                    + " (%s) at step %d; lower the learning rate (now %.2e) or check the images", loss,
                                    step + 1, stepLr));
                        }
                        collector.backward(l);
                    }
                }
                update(optimizer, params, stepLr);
                losses[step] = loss;
                if (listener != null) {
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    listener.accept(new Step(step + 1, iterations, loss, stepLr,
                            (step + 1.0) * batchSize / Math.max(seconds, 1e-9), seconds));
                }
            }
        } catch (RuntimeException e) {
            head.close();
            throw e;
        }
        head.setTrainable(false);
        head.setTraining(false);
        backbone.module().setTrainable(false);
        backbone.module().setTraining(false);
        SegHeadInfo info = new SegHeadInfo(data.classes(), data.modality(), height, width, cropHeight, cropWidth, channels,
                protocol.label(), data.ignoreIndex(), protocol == Protocol.FINETUNE ? lora : null,
                backbone.config().arch(), SegHead.embedDim(backbone), SegHead.stageChannels(backbone));
        return new Trained(head, info, losses, (System.nanoTime() - t0) / 1e9);
    }

    private void check(int patch) {
        if (height % patch != 0 || width % patch != 0 || cropHeight % patch != 0 || cropWidth % patch != 0) {
            throw new IllegalArgumentException("size " + width + "x" + height + " and crop " + cropWidth + "x" + cropHeight
                    + " must be multiples of the backbone's patch " + patch);
        }
        if (protocol == Protocol.FREEZE && (cropHeight > height || cropWidth > width)) {
            throw new IllegalArgumentException("with a frozen backbone the crop (" + cropWidth + "x" + cropHeight
                    + ") is taken from the cached features of the whole " + width + "x" + height + " image: it cannot be"
                    + " larger");
        }
    }

    /** AdamW on every trainable tensor, then the gradients are zeroed (libtorch accumulates them). */
    private void update(AdamW optimizer, Map<String, Parameter> params, double stepLr) {
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            params.forEach((n, p) -> grads.put(n, p.array().getGradient()));
            optimizer.step(params, grads, stepLr, weightDecay);
            grads.values().forEach(g -> g.muli(0f));
        }
    }

    /** One step's inputs: images (fine-tuning) or cached features (frozen), and masks {@code [B, h, w]}. */
    private record Batch(NDArray images, DenseFeatures features, NDArray masks, int height, int width) {}

    private Batch augmentedBatch(SegDataset data, SegAugment augment, float[] mean, float[] std, int[] indices, int step,
                                 NDManager m) {
        int ch = augment.cropHeight();
        int cw = augment.cropWidth();
        float[] images = new float[indices.length * 3 * ch * cw];
        int[] masks = new int[indices.length * ch * cw];
        for (int k = 0; k < indices.length; k++) {
            SegDataset.Item item = data.get(indices[k]);
            SegAugment.Sample s = augment.apply(item.image(), item.mask(), mean, std,
                    Seeds.random(Seeds.SEGMENT, seed, step, k));
            System.arraycopy(s.image(), 0, images, k * 3 * ch * cw, s.image().length);
            System.arraycopy(s.mask(), 0, masks, k * ch * cw, s.mask().length);
        }
        return new Batch(Tensors.fromFloats(m, images, new Shape(indices.length, 3, ch, cw)), null,
                Tensors.fromInts(m, masks, new Shape(indices.length, ch, cw)), ch, cw);
    }

    /**
     * A frozen backbone's dense features of every image, unflipped and flipped, at the training size; the masks
     * resized (nearest) and flipped alike.
     */
    private static final class FeatureCache {
        private final NDArray[] maps = new NDArray[2];           // per flip: [M, D, gh, gw]
        private final List<List<NDArray>> stages = new ArrayList<>(); // per flip: [M, C, h, w] finest first
        private final int[][][] masks = new int[2][][];          // per flip: M maps of H·W
        private final int height;
        private final int width;

        private FeatureCache(int height, int width) {
            this.height = height;
            this.width = width;
        }

        static FeatureCache build(Backbone backbone, SegDataset data, int height, int width, float[] mean, float[] std,
                                  NDManager into) {
            FeatureCache c = new FeatureCache(height, width);
            int n = data.size();
            for (int flip = 0; flip < 2; flip++) {
                NDList mapParts = new NDList();
                List<NDList> stageParts = new ArrayList<>();
                c.masks[flip] = new int[n][];
                for (int start = 0; start < n; start += 8) {
                    int end = Math.min(n, start + 8);
                    float[] images = new float[(end - start) * 3 * height * width];
                    for (int i = start; i < end; i++) {
                        SegDataset.Item item = data.get(i);
                        Planes p = Images.resize(item.image(), height, width);
                        int[] mask = SegAugment.resizeNearest(item.mask(), item.height(), item.width(), height, width);
                        if (flip == 1) {
                            p = Images.flip(p);
                            mask = SegAugment.flipMask(mask, height, width);
                        }
                        c.masks[flip][i] = mask;
                        float[] v = Images.normalize(p, mean, std);
                        System.arraycopy(v, 0, images, (i - start) * v.length, v.length);
                    }
                    try (NDScope scope = new NDScope()) {
                        NDArray batch = Tensors.fromFloats(into, images, new Shape(end - start, 3, height, width));
                        BackboneOutput out = backbone.forward(batch);
                        DenseFeatures f = DenseFeatures.of(out);
                        mapParts.add(keep(f.map(), into));
                        for (int s = 0; s < f.stageMaps().size(); s++) {
                            if (stageParts.size() <= s) {
                                stageParts.add(new NDList());
                            }
                            stageParts.get(s).add(keep(f.stageMaps().get(s), into));
                        }
                    }
                }
                c.maps[flip] = concat(mapParts);
                List<NDArray> flipStages = new ArrayList<>();
                for (NDList parts : stageParts) {
                    flipStages.add(concat(parts));
                }
                c.stages.add(flipStages);
            }
            return c;
        }

        private static NDArray keep(NDArray a, NDManager into) {
            NDArray copy = a.stopGradient().toType(DataType.FLOAT32, true);
            copy.attach(into);
            NDScope.unregister(copy);
            return copy;
        }

        private static NDArray concat(NDList parts) {
            if (parts.size() == 1) {
                return parts.get(0);
            }
            NDArray all = NDArrays.concat(parts, 0);
            NDScope.unregister(all);
            parts.close();
            return all;
        }

        /** Cached features of the given images with a random flip and a random grid-aligned crop of {@code th × tw} tokens. */
        Batch batch(int[] indices, int step, long seed, int th, int tw, int patch, NDManager m) {
            long gh = maps[0].getShape().get(2);
            long gw = maps[0].getShape().get(3);
            NDList mapParts = new NDList();
            List<NDList> stageParts = new ArrayList<>();
            int ch = th * patch;
            int cw = tw * patch;
            int[] masksOut = new int[indices.length * ch * cw];
            for (int k = 0; k < indices.length; k++) {
                SplittableRandom rng = Seeds.random(Seeds.SEGMENT, seed, step, k);
                int flip = rng.nextDouble() < 0.5 ? 1 : 0;
                int ty = rng.nextInt((int) gh - th + 1);
                int tx = rng.nextInt((int) gw - tw + 1);
                int i = indices[k];
                mapParts.add(maps[flip].get(i + ", :, " + ty + ":" + (ty + th) + ", " + tx + ":" + (tx + tw)));
                List<NDArray> st = stages.get(flip);
                for (int s = 0; s < st.size(); s++) {
                    if (stageParts.size() <= s) {
                        stageParts.add(new NDList());
                    }
                    long f = gh == 0 ? 1 : st.get(s).getShape().get(2) / gh; // stage resolution per token (4 or 2)
                    stageParts.get(s).add(st.get(s).get(i + ", :, " + ty * f + ":" + (ty + th) * f + ", " + tx * f + ":"
                            + (tx + tw) * f));
                }
                int[] crop = SegAugment.cropMask(masks[flip][i], width, ty * patch, tx * patch, ch, cw);
                System.arraycopy(crop, 0, masksOut, k * ch * cw, crop.length);
            }
            List<NDArray> stageMaps = new ArrayList<>();
            for (NDList parts : stageParts) {
                stageMaps.add(NDArrays.stack(parts, 0));
            }
            DenseFeatures features = new DenseFeatures(NDArrays.stack(mapParts, 0), stageMaps);
            return new Batch(null, features, Tensors.fromInts(m, masksOut, new Shape(indices.length, ch, cw)), ch, cw);
        }
    }

    private static long[] permutation(int n, SplittableRandom rng) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates
            int j = rng.nextInt(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * Settings. Required: {@link #setSize} (H×W, multiples of the patch). Defaults: frozen backbone, crop = size,
     * 200 iterations × 4 images, AdamW lr 1e-3 → 0 by poly (power 1), no warm-up, weight decay 0.01, 64 channels,
     * scale U(0.5, 2), cat_max_ratio 0.75, LoRA r 8 / alpha 32 / dropout 0.1 on qkv/proj/fc1/fc2, seed 0.
     *
     * <p>The builder is also the YAML form of these settings ({@link #load}, {@link #toYaml}): snake_case keys
     * {@code protocol, width, height, crop_width, crop_height, iterations, batch_size, lr, min_lr, power, warmup,
     * weight_decay, seed, channels, scale_min, scale_max, cat_max_ratio, lora_rank, lora_alpha, lora_dropout}.
     */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
            isGetterVisibility = JsonAutoDetect.Visibility.NONE, setterVisibility = JsonAutoDetect.Visibility.NONE)
    @JsonPropertyOrder({"protocol", "width", "height", "crop_width", "crop_height"})
    public static final class Builder {
        private Protocol protocol = Protocol.FREEZE;
        private int height;
        private int width;
        private int cropHeight;
        private int cropWidth;
        private int iterations = 200;
        private int batchSize = 4;
        private double lr = 1e-3;
        private double minLr = 0;
        private double power = 1.0;
        private int warmup = 0;
        private double weightDecay = 0.01;
        private long seed;
        private int channels = 64;
        private double scaleMin = 0.5;
        private double scaleMax = 2.0;
        private double catMaxRatio = 0.75;
        @JsonIgnore
        private LoRAConfig lora = LoRAConfig.builder().build();

        /**
         * Sets the keys of a YAML file (null: none) and {@code key=value} overrides on this builder; unknown keys
         * fail naming the file and the key. Checked when built.
         */
        public Builder load(Path file, List<String> overrides) {
            return YamlConfig.update(this, file, overrides, "segmentation config");
        }

        /** Every setting, defaults included, as YAML. */
        public String toYaml() {
            return YamlConfig.toYaml(this);
        }

        @JsonGetter("lora_rank") private int loraRank() { return lora.rank(); }
        @JsonSetter("lora_rank") private void loraRank(int v) { lora = lora.toBuilder().optRank(v).build(); }
        @JsonGetter("lora_alpha") private float loraAlpha() { return lora.alpha(); }
        @JsonSetter("lora_alpha") private void loraAlpha(float v) { lora = lora.toBuilder().optAlpha(v).build(); }
        @JsonGetter("lora_dropout") private float loraDropout() { return lora.dropout(); }
        @JsonSetter("lora_dropout") private void loraDropout(float v) { lora = lora.toBuilder().optDropout(v).build(); }

        public Builder setSize(int h, int w) { height = h; width = w; return this; }
        public Builder optProtocol(Protocol v) { protocol = v; return this; }
        public Builder optCrop(int h, int w) { cropHeight = h; cropWidth = w; return this; }
        public Builder optIterations(int v) { iterations = v; return this; }
        public Builder optBatchSize(int v) { batchSize = v; return this; }
        public Builder optLr(double v) { lr = v; return this; }
        public Builder optMinLr(double v) { minLr = v; return this; }
        public Builder optPower(double v) { power = v; return this; }
        public Builder optWarmup(int v) { warmup = v; return this; }
        public Builder optWeightDecay(double v) { weightDecay = v; return this; }
        public Builder optSeed(long v) { seed = v; return this; }
        public Builder optChannels(int v) { channels = v; return this; }
        /** Random resize range of fine-tuning (relative to the size). */
        public Builder optScaleRange(double min, double max) { scaleMin = min; scaleMax = max; return this; }
        public Builder optCatMaxRatio(double v) { catMaxRatio = v; return this; }
        public Builder optLora(LoRAConfig v) { lora = v; return this; }

        public SegTrainer build() {
            if (height <= 0 || width <= 0) {
                throw new IllegalArgumentException("setSize(H, W) is required and must be positive, got " + width + "x" + height);
            }
            if (iterations <= 0 || batchSize <= 0 || channels <= 0) {
                throw new IllegalArgumentException("iterations, batch size and channels must be > 0, got " + iterations
                        + ", " + batchSize + ", " + channels);
            }
            if (!(lr > 0) || !Double.isFinite(lr) || minLr < 0 || minLr > lr || !(power > 0) || warmup < 0) {
                throw new IllegalArgumentException("learning rate must be finite and > 0 with 0 <= min lr <= lr, power > 0,"
                        + " warm-up >= 0; got lr " + lr + ", min " + minLr + ", power " + power + ", warm-up " + warmup);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
            }
            if (protocol == null || (protocol == Protocol.FINETUNE && lora == null)) {
                throw new IllegalArgumentException("a protocol is required, and fine-tuning needs a LoRA config");
            }
            return new SegTrainer(this);
        }
    }
}
