package org.univ.detect;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.univ.util.ConfigException;
import org.univ.util.YamlConfig;

/**
 * Everything a detection run needs: the CenterNet-style probe, its losses, decoding and training schedule. The
 * defaults are the PyTorch reference probe of METHOD §7: 448×336 input, stride-8 head with 64 channels, tokens
 * standardised with training-set statistics, focal loss (α 2, β 4) plus L1 on offset and log-size, 400 iterations ×
 * 16 images, AdamW 2e-3 (weight decay 0.01, PyTorch's default) with linear warm-up and cosine decay, horizontal flip
 * and ±2-token shifts of the cached feature map, top-100 peaks. The GIoU term is off by default (the reference had
 * none); {@code giou_weight} turns it on.
 *
 * <p>Built with {@link #builder()} or read from YAML (snake_case keys, {@code --set key=value} overrides), and written
 * back to YAML inside checkpoints so a head knows how it was trained.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE, setterVisibility = JsonAutoDetect.Visibility.NONE)
public final class DetectionConfig {
    /** Frozen backbone, cached features (the representation protocol). */
    public static final String FREEZE = "freeze";
    /** Backbone trained too (LoRA or full), online features. */
    public static final String FINETUNE = "finetune";

    private int width = 448;
    private int height = 336;
    private int stride = 8;
    private int channels = 64;
    private boolean standardize = true;
    private double heatmapWeight = 1;
    private double offsetWeight = 1;
    private double sizeWeight = 1;
    private double giouWeight = 0;
    private double focalAlpha = 2;
    private double focalBeta = 4;
    private int topK = 100;
    private int maxDetections = 100;
    private double nmsIou = 0.5;
    private double scoreThreshold = 0;
    private String protocol = FREEZE;
    private int iterations = 400;
    private int batch = 16;
    private double lr = 2e-3;
    private int warmup = 20;
    private double minLr = 0;
    private double weightDecay = 0.01;
    private double flip = 0.5;
    private int shiftTokens = 2;
    private double scaleMin = 0.8;
    private double scaleMax = 1.2;
    private String finetune = "lora";
    private int loraRank = 8;
    private double loraAlpha = 32;
    private double loraDropout = 0.1;
    private double backboneLr = 0.1;
    private double layerDecay = 0.75;
    private long seed = 0;

    private DetectionConfig() {}

    public static Builder builder() {
        return new Builder(new DetectionConfig());
    }

    /** A builder starting from this config's values. */
    public Builder toBuilder() {
        return new Builder(copy());
    }

    /** Input width in pixels (multiple of the patch). */
    public int width() { return width; }
    /** Input height in pixels. */
    public int height() { return height; }
    /** Output stride of the head (a pyramid level: 4, 8, 16 or 32). */
    public int stride() { return stride; }
    /** Channels of the pyramid level and the head. */
    public int channels() { return channels; }
    /** Standardise backbone tokens per channel with training-set statistics. */
    public boolean standardize() { return standardize; }
    public double heatmapWeight() { return heatmapWeight; }
    public double offsetWeight() { return offsetWeight; }
    public double sizeWeight() { return sizeWeight; }
    public double giouWeight() { return giouWeight; }
    public double focalAlpha() { return focalAlpha; }
    public double focalBeta() { return focalBeta; }
    /** Heatmap peaks kept per image before NMS. */
    public int topK() { return topK; }
    public int maxDetections() { return maxDetections; }
    public double nmsIou() { return nmsIou; }
    public double scoreThreshold() { return scoreThreshold; }
    /** {@link #FREEZE} or {@link #FINETUNE}. */
    public String protocol() { return protocol; }
    public boolean frozen() { return FREEZE.equals(protocol); }
    public int iterations() { return iterations; }
    public int batch() { return batch; }
    public double lr() { return lr; }
    /** Linear warm-up iterations before the cosine decay. */
    public int warmup() { return warmup; }
    public double minLr() { return minLr; }
    public double weightDecay() { return weightDecay; }
    /** Horizontal flip probability. */
    public double flip() { return flip; }
    /** Cached-feature jitter: the token map is shifted by up to this many tokens each way (boxes move with it). */
    public int shiftTokens() { return shiftTokens; }
    /** Online jitter: the image is scaled by s ~ U(scaleMin, scaleMax), then cropped or padded to the input size. */
    public double scaleMin() { return scaleMin; }
    public double scaleMax() { return scaleMax; }
    /** Fine-tuning: {@code lora} (adapters on qkv/proj/fc1/fc2) or {@code full}. */
    public String finetune() { return finetune; }
    public int loraRank() { return loraRank; }
    public double loraAlpha() { return loraAlpha; }
    public double loraDropout() { return loraDropout; }
    /** Backbone lr as a fraction of the head's (fine-tuning). */
    public double backboneLr() { return backboneLr; }
    /** Layer-wise lr decay: block i of L gets {@code backboneLr · layerDecay^(L − i)} (embeddings one step further). */
    public double layerDecay() { return layerDecay; }
    public long seed() { return seed; }

    /** Reads YAML (null file: defaults), applies {@code key=value} overrides and checks the result. */
    public static DetectionConfig load(Path file, List<String> overrides) {
        DetectionConfig c = YamlConfig.load(file, overrides, DetectionConfig.class, "detection config");
        c.validate(file == null ? "detection config" : file.toString());
        return c;
    }

    public static DetectionConfig parse(String yaml, String source, List<String> overrides) {
        DetectionConfig c = YamlConfig.parse(yaml, source, overrides, DetectionConfig.class, "detection config");
        c.validate(source);
        return c;
    }

    public String toYaml() {
        return YamlConfig.toYaml(this);
    }

    /** {@code WxH} → {width, height}. */
    public static int[] parseSize(String s) {
        return org.univ.util.ImageSize.parse(s, "size").toArray();
    }

    private DetectionConfig copy() {
        return YamlConfig.YAML.convertValue(YamlConfig.YAML.valueToTree(this), DetectionConfig.class);
    }

    private void validate(String source) {
        String p = source + ": ";
        if (width <= 0 || height <= 0 || width % 16 != 0 || height % 16 != 0) {
            throw new ConfigException(p + "size " + width + "x" + height + " must be positive multiples of 16");
        }
        if (!List.of(4, 8, 16, 32).contains(stride)) {
            throw new ConfigException(p + "stride must be 4, 8, 16 or 32, got " + stride);
        }
        if (channels <= 0) {
            throw new ConfigException(p + "channels must be > 0, got " + channels);
        }
        if (!List.of(FREEZE, FINETUNE).contains(protocol)) {
            throw new ConfigException(p + "protocol must be freeze or finetune, got '" + protocol + "'");
        }
        if (!List.of("lora", "full").contains(finetune)) {
            throw new ConfigException(p + "finetune must be lora or full, got '" + finetune + "'");
        }
        if (iterations <= 0 || batch <= 0) {
            throw new ConfigException(p + "iterations and batch must be > 0, got " + iterations + " and " + batch);
        }
        if (!(lr > 0) || minLr < 0 || warmup < 0 || weightDecay < 0 || backboneLr < 0 || layerDecay <= 0) {
            throw new ConfigException(p + "need lr > 0, min_lr ≥ 0, warmup ≥ 0, weight_decay ≥ 0, backbone_lr ≥ 0,"
                    + " layer_decay > 0");
        }
        if (flip < 0 || flip > 1 || shiftTokens < 0 || !(scaleMin > 0) || scaleMin > scaleMax) {
            throw new ConfigException(p + "need 0 ≤ flip ≤ 1, shift_tokens ≥ 0 and 0 < scale_min ≤ scale_max");
        }
        if (topK <= 0 || maxDetections <= 0 || nmsIou < 0 || nmsIou > 1) {
            throw new ConfigException(p + "need top_k > 0, max_detections > 0 and nms_iou in [0, 1]");
        }
        if (heatmapWeight < 0 || offsetWeight < 0 || sizeWeight < 0 || giouWeight < 0 || focalAlpha < 0 || focalBeta < 0) {
            throw new ConfigException(p + "loss weights and focal exponents must be ≥ 0");
        }
        if (loraRank <= 0 || loraDropout < 0 || loraDropout >= 1) {
            throw new ConfigException(p + "need lora_rank > 0 and 0 ≤ lora_dropout < 1");
        }
    }

    @Override
    public String toString() {
        return toYaml();
    }

    /** DJL-style builder; every setting is optional (the defaults are the reference probe's). */
    public static final class Builder {
        private final DetectionConfig c;

        private Builder(DetectionConfig c) {
            this.c = c;
        }

        public Builder optSize(int width, int height) { c.width = width; c.height = height; return this; }
        public Builder optStride(int v) { c.stride = v; return this; }
        public Builder optChannels(int v) { c.channels = v; return this; }
        public Builder optStandardize(boolean v) { c.standardize = v; return this; }
        public Builder optLossWeights(double heatmap, double offset, double size, double giou) {
            c.heatmapWeight = heatmap; c.offsetWeight = offset; c.sizeWeight = size; c.giouWeight = giou; return this;
        }
        public Builder optFocal(double alpha, double beta) { c.focalAlpha = alpha; c.focalBeta = beta; return this; }
        public Builder optTopK(int v) { c.topK = v; return this; }
        public Builder optMaxDetections(int v) { c.maxDetections = v; return this; }
        public Builder optNmsIou(double v) { c.nmsIou = v; return this; }
        public Builder optScoreThreshold(double v) { c.scoreThreshold = v; return this; }
        public Builder optProtocol(String v) { c.protocol = v; return this; }
        public Builder optIterations(int v) { c.iterations = v; return this; }
        public Builder optBatch(int v) { c.batch = v; return this; }
        public Builder optLr(double v) { c.lr = v; return this; }
        public Builder optWarmup(int v) { c.warmup = v; return this; }
        public Builder optMinLr(double v) { c.minLr = v; return this; }
        public Builder optWeightDecay(double v) { c.weightDecay = v; return this; }
        public Builder optFlip(double v) { c.flip = v; return this; }
        public Builder optShiftTokens(int v) { c.shiftTokens = v; return this; }
        public Builder optScaleJitter(double min, double max) { c.scaleMin = min; c.scaleMax = max; return this; }
        public Builder optFinetune(String v) { c.finetune = v; return this; }
        public Builder optLora(int rank, double alpha, double dropout) {
            c.loraRank = rank; c.loraAlpha = alpha; c.loraDropout = dropout; return this;
        }
        public Builder optBackboneLr(double v) { c.backboneLr = v; return this; }
        public Builder optLayerDecay(double v) { c.layerDecay = v; return this; }
        public Builder optSeed(long v) { c.seed = v; return this; }

        public DetectionConfig build() {
            DetectionConfig out = c.copy();
            out.validate("detection config");
            return out;
        }
    }
}
