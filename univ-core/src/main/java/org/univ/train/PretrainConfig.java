package org.univ.train;

import com.fasterxml.jackson.annotation.JsonGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.univ.util.ConfigException;
import org.univ.util.SharedData;
import org.univ.util.YamlConfig;

/**
 * Everything a pre-training run needs, as one YAML document (snake_case keys) with {@code --set a.b=v}
 * overrides. Defaults are the authors' (METHOD §6); {@code configs/pretrain-shared.yaml} holds the short
 * recipe for the shared data. {@code ${shared}} in a path is the shared-data root.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class PretrainConfig {
    /** Teacher checkpoint (safetensors or .pth); the student starts as a copy of it. */
    public String teacher;
    /** Which state dict inside a .pth teacher (student, teacher, model…); null = automatic. */
    public String teacherKey;
    public Data data = new Data();
    public Augment augment = new Augment();
    /** Training width in pixels, a multiple of the patch; YAML {@code size: 224} (square) or {@code size: 448x336}. */
    @JsonIgnore
    public int size = 224;
    /** Training height in pixels; 0 = square ({@link #size}). */
    @JsonIgnore
    public int height = 0;
    public int batch = 16;
    /** Steps to run; when 0, {@code epochs} × batches per epoch. */
    public long steps = 0;
    public int epochs = 0;
    public Optim optim = new Optim();
    public Loss loss = new Loss();
    public Lora lora = new Lora();
    public long seed = 0;
    /** Run folder: checkpoints, metrics.jsonl, exported student, report. */
    public String out = "runs/pretrain";
    public int checkpointEvery = 100;
    public int keepCheckpoints = 2;
    /** libtorch intra-op threads. */
    public int threads = 2;
    /**
     * Student passes per step: {@code auto} (separate IR and RGB passes once a modality's batch holds ≥ 2,048
     * patch tokens, one [RGB; IR] pass below), {@code true} (always separate) or {@code false} (always one pass).
     * Separate passes give the same gradient with half the activations alive (224 px / B 16: 2.5 → 1.6 GB peak
     * RSS, same speed); at 112 px / B 16 they cost ≈ 9 % speed and save 0.2 GB, so auto keeps one pass there.
     */
    public String splitPasses = "auto";

    @JsonSetter("size")
    void setSize(JsonNode value) {
        org.univ.util.ImageSize parsed = org.univ.util.ImageSize.parse(value.asText(), "size");
        size = parsed.width();
        height = parsed.width() == parsed.height() ? 0 : parsed.height();
    }

    @JsonGetter("size")
    public Object sizeValue() {
        return height == 0 || height == size ? (Object) size : size + "x" + height;
    }

    /** Training height: {@link #height}, or {@link #size} when square. */
    public int height() {
        return height == 0 ? size : height;
    }

    public static final class Data {
        /** {@code ROOT} or {@code ROOT:ids.txt}; layouts are detected per root. */
        public List<String> roots = new ArrayList<>();
        public boolean skipBad = false;
        /** Background decoding threads (0 = decode on the training thread). */
        public int workers = 2;
        public int prefetch = 4;
        /**
         * Decoded-image cache in MB (-1: half of the heap, at most 2 GiB; 0: off). It spares re-decoding
         * PNGs every epoch; the resident memory grows by up to this much during the first epoch.
         */
        public long cacheMb = -1;
        /** 16-bit IR scaling: {@code minmax} (per image) or {@code LO:HI} (fixed raw range). */
        public String ir16bit = "minmax";
        public float[] rgbMean = {0.485f, 0.456f, 0.406f};
        public float[] rgbStd = {0.229f, 0.224f, 0.225f};
        public float irMean = 0.5338f;
        public float irStd = 0.2519f;
    }

    public static final class Augment {
        /** Crop side ratio r ~ U(cropMin, cropMax) of the image (aspect kept); {@code sqrt}: r = √U(min, max). */
        public double cropMin = 0.4;
        public double cropMax = 1.0;
        public String cropRatio = "uniform";
        public double flip = 0.5;
    }

    public static final class Optim {
        /** Absolute peak lr; when null, {@code baseLr × batch / 256}. */
        public Double lr;
        public double baseLr = 1.5e-4;
        /** {@code cosine} (per step, after warm-up) or {@code constant}. */
        public String schedule = "cosine";
        public long warmupSteps = 0;
        /** Warm-up in epochs when {@code warmupSteps} is 0 (the authors: 40 of 400). */
        public double warmupEpochs = 0;
        public double minLr = 1e-6;
        public double weightDecay = 0.05;
        public double weightDecayEnd = 0.5;
        /** Per-tensor gradient-norm clip (≤ 0: off). */
        public double clip = 3.0;
        public double beta1 = 0.9;
        public double beta2 = 0.999;
        public double eps = 1e-8;
    }

    public static final class Loss {
        /** Weight of PCCL on the student's IR tokens. */
        public double alpha = 1;
        /** Weight of the RGB preservation term. */
        public double beta = 1;
        /** RGB preservation: {@code pccl}, {@code gram} or {@code feature}. */
        public String rgb = "pccl";
        public double rho = 0.6;
        public double tau = 0.04;
        /** Weight of the co-located IR→RGB token MSE (not in the paper; 0 = off). */
        public double colocated = 0;
        /** RGB preservation on these transformer blocks too (0-based; not in the paper; empty = off). */
        public List<Integer> rgbBlocks = new ArrayList<>();
        /** Weight δ of the intermediate-block RGB term, inside β's (relative MSE averaged over {@code rgbBlocks}). */
        public double rgbBlocksWeight = 1;
    }

    public static final class Lora {
        public int rank = 8;
        public float alpha = 32;
        public float dropout = 0.1f;
        public List<String> targets = new ArrayList<>(List.of("qkv", "proj", "fc1", "fc2"));
        /** Adapt matching convolutions too: {@code auto} (yes for ConvViT, no for ViT), {@code true}, {@code false}. */
        public String convolutions = "auto";
    }

    /** Reads a YAML file (null: defaults only), applies {@code key=value} overrides, checks the result. */
    public static PretrainConfig load(Path file, List<String> overrides) {
        PretrainConfig c = YamlConfig.load(file, overrides, PretrainConfig.class, "config");
        c.validate();
        return c;
    }

    /** As {@link #load} from YAML text; {@code source} names it in error messages. */
    public static PretrainConfig parse(String yaml, String source, List<String> overrides) {
        PretrainConfig c = YamlConfig.parse(yaml, source, overrides, PretrainConfig.class, "config");
        c.validate();
        return c;
    }

    /** Clear messages for missing or impossible settings. */
    public void validate() {
        if (teacher == null || teacher.isBlank()) {
            throw new ConfigException("missing config key 'teacher' (path of the RGB teacher checkpoint)");
        }
        if (data.roots == null || data.roots.isEmpty()) {
            throw new ConfigException("missing config key 'data.roots' (one or more folders of RGB/IR pairs)");
        }
        if (size <= 0 || size % 16 != 0 || height() <= 0 || height() % 16 != 0) {
            throw new ConfigException("size " + sizeValue() + " must be positive multiples of 16");
        }
        if (batch <= 0) {
            throw new ConfigException("batch must be > 0, got " + batch);
        }
        if (steps <= 0 && epochs <= 0) {
            throw new ConfigException("set 'steps' or 'epochs' (> 0)");
        }
        if (!List.of("pccl", "gram", "feature").contains(loss.rgb)) {
            throw new ConfigException("loss.rgb must be pccl, gram or feature, got '" + loss.rgb + "'");
        }
        if (loss.rgbBlocks.stream().anyMatch(i -> i == null || i < 0) || loss.rgbBlocksWeight < 0) {
            throw new ConfigException("loss.rgb_blocks must list block indices >= 0 and loss.rgb_blocks_weight be >= 0, got "
                    + loss.rgbBlocks + " / " + loss.rgbBlocksWeight);
        }
        if (!List.of("cosine", "constant").contains(optim.schedule)) {
            throw new ConfigException("optim.schedule must be cosine or constant, got '" + optim.schedule + "'");
        }
        if (!List.of("uniform", "sqrt").contains(augment.cropRatio)) {
            throw new ConfigException("augment.crop_ratio must be uniform or sqrt, got '" + augment.cropRatio + "'");
        }
        if (augment.cropMin <= 0 || augment.cropMax > 1 || augment.cropMin > augment.cropMax) {
            throw new ConfigException("augment crop range must satisfy 0 < crop_min ≤ crop_max ≤ 1");
        }
        if (!List.of("auto", "true", "false").contains(lora.convolutions)) {
            throw new ConfigException("lora.convolutions must be auto, true or false");
        }
        if (checkpointEvery <= 0) {
            throw new ConfigException("checkpoint_every must be > 0");
        }
        if (!List.of("auto", "true", "false").contains(splitPasses)) {
            throw new ConfigException("split_passes must be auto, true or false, got '" + splitPasses + "'");
        }
    }

    /** Whether the trainer runs the IR and the RGB student passes separately, for batches of {@code tokens} patches per modality. */
    public boolean splitPasses(long tokensPerModality) {
        return switch (splitPasses) {
            case "true" -> true;
            case "false" -> false;
            default -> tokensPerModality >= 2048;
        };
    }

    /** Peak learning rate after the batch scaling rule. */
    public double peakLr() {
        return optim.lr != null ? optim.lr : Schedules.scaledLr(optim.baseLr, batch);
    }

    /** A path setting with {@code ${shared}} expanded. */
    public static Path resolve(String path) {
        return Path.of(path.replace("${shared}", SharedData.root().toString()));
    }

    public String toYaml() {
        return YamlConfig.toYaml(this);
    }

    public static PretrainConfig fromYaml(String yaml) {
        return parse(yaml, "stored config", List.of());
    }
}
