package org.univ.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.univ.downstream.DenseFeatures;
import org.univ.downstream.SimplePyramid;
import org.univ.model.Backbone;
import org.univ.model.ConvViTConfig;
import org.univ.model.Module;
import org.univ.model.Parameter;
import org.univ.model.ViTConfig;

/**
 * The detection probe on top of a backbone: per-channel standardisation of the stride-16 token map (training-set
 * statistics, stored as {@code token_mean} / {@code token_std}), one {@link SimplePyramid} level at the configured
 * stride ({@code pyramid.*}), and a {@link CenterNetHead} ({@code head.*}). Parameters live in the detector's own
 * manager (close the detector to free them).
 */
public class Detector extends Module implements AutoCloseable {
    private final int tokenDim;
    private final int numClasses;
    private final int stride;
    private final boolean fromStages;
    private final Parameter tokenMean;
    private final Parameter tokenStd;

    /**
     * @param tokenDim      D of the backbone's patch tokens
     * @param stageChannels a ConvViT's stride-4/8 stage widths (its stride-4/8 levels come from them), or empty
     */
    public Detector(NDManager parent, int tokenDim, int[] stageChannels, int numClasses, int stride, int channels) {
        super(parent.newSubManager());
        if (numClasses <= 0) {
            throw new IllegalArgumentException("a detector needs at least one class, got " + numClasses);
        }
        this.tokenDim = tokenDim;
        this.numClasses = numClasses;
        this.stride = stride;
        this.fromStages = stageChannels.length > 0 && stride <= 8;
        this.tokenMean = addParameter("token_mean", new Shape(tokenDim));
        this.tokenStd = addParameter("token_std", new Shape(tokenDim));
        tokenStd.array().addi(1f);
        addChild("pyramid", new SimplePyramid(manager, tokenDim, stageChannels, channels, stride));
        addChild("head", new CenterNetHead(manager, channels, numClasses));
        // the detector owns its parameters: they must not close with an NDScope the caller has open
        namedParameters().values().forEach(p -> NDScope.unregister(p.array()));
    }

    /** A detector for a backbone's token width (and a ConvViT's stage maps). */
    public static Detector forBackbone(NDManager parent, Backbone backbone, int numClasses, DetectionConfig config) {
        int[] stages;
        int dim;
        if (backbone.config() instanceof ConvViTConfig c) {
            dim = c.embedDim();
            stages = new int[] {c.embedDims()[0], c.embedDims()[1]};
        } else if (backbone.config() instanceof ViTConfig c) {
            dim = c.embedDim();
            stages = new int[0];
        } else {
            throw new IllegalArgumentException("no detector for backbone " + backbone.config().arch());
        }
        return new Detector(parent, dim, stages, numClasses, config.stride(), config.channels());
    }

    /** Seeded initialisation of pyramid and head; the standardisation is reset to identity. */
    @Override
    public void initialize(long seed) {
        child("pyramid", SimplePyramid.class).initialize(seed);
        child("head", CenterNetHead.class).initialize(seed + 1);
        tokenMean.array().set(new float[tokenDim]);
        float[] ones = new float[tokenDim];
        java.util.Arrays.fill(ones, 1f);
        tokenStd.array().set(ones);
    }

    /** Sets the per-channel statistics the token map is standardised with. */
    public void setStandardization(float[] mean, float[] std) {
        if (mean.length != tokenDim || std.length != tokenDim) {
            throw new IllegalArgumentException("standardisation needs " + tokenDim + " values, got " + mean.length
                    + " and " + std.length);
        }
        tokenMean.array().set(mean);
        tokenStd.array().set(std);
    }

    /** {@code (map − mean) / std} per channel: {@code [B, D, h, w]} → same. */
    public NDArray standardize(NDArray tokenMap) {
        return tokenMap.sub(tokenMean.array().reshape(1, tokenDim, 1, 1))
                .div(tokenStd.array().reshape(1, tokenDim, 1, 1));
    }

    /** Standardises a backbone's dense features (the token map only; stage maps pass as they are). */
    public DenseFeatures standardize(DenseFeatures raw) {
        return new DenseFeatures(standardize(raw.map()), raw.stageMaps());
    }

    /** Head maps for standardised features. */
    public CenterNetHead.HeadOutput forward(DenseFeatures standardized) {
        List<NDArray> level = child("pyramid", SimplePyramid.class).forward(standardized);    // one level
        return child("head", CenterNetHead.class).forward(level.get(0));
    }

    /** Whether the pyramid level is built from the backbone's stage maps (a ConvViT at stride 4 or 8). */
    public boolean usesStageMaps() {
        return fromStages;
    }

    public int numClasses() {
        return numClasses;
    }

    public int stride() {
        return stride;
    }

    public int tokenDim() {
        return tokenDim;
    }

    @Override
    public void close() {
        manager.close();
    }
}
