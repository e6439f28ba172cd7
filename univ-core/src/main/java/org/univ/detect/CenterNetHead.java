package org.univ.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import org.univ.model.Conv2d;
import org.univ.model.Module;

/**
 * CenterNet's head (Zhou et al. 2019) on one pyramid level: a shared 3×3 conv + ReLU, then 1×1 convs to the class
 * heatmaps (logits; sigmoid in the loss and decoder, bias initialised to −2.19 so every score starts at 0.1), a
 * 2-channel sub-pixel centre offset and a 2-channel log-size (log of width and height in output-stride units).
 */
public class CenterNetHead extends Module {
    /** CenterNet's heatmap bias: sigmoid(−2.19) ≈ 0.1, a prior that keeps the focal loss stable at the start. */
    public static final float HEATMAP_BIAS = -2.19f;

    private final int numClasses;

    public CenterNetHead(NDManager manager, int channels, int numClasses) {
        super(manager);
        this.numClasses = numClasses;
        addChild("conv", new Conv2d(manager, channels, channels, 3, 1, 1, 1, true));
        addChild("heatmap", new Conv2d(manager, channels, numClasses, 1, 1, 0, 1, true));
        addChild("offset", new Conv2d(manager, channels, 2, 1, 1, 0, 1, true));
        addChild("size", new Conv2d(manager, channels, 2, 1, 1, 0, 1, true));
    }

    /** Seeded truncated-normal weights (std 0.02), zero biases, then the heatmap prior. */
    @Override
    public void initialize(long seed) {
        super.initialize(seed);
        child("heatmap", Conv2d.class).bias().array().addi(HEATMAP_BIAS);
    }

    public int numClasses() {
        return numClasses;
    }

    /** A level {@code [B, C, h, w]} → the three maps. */
    public HeadOutput forward(NDArray level) {
        NDArray shared = Activation.relu(child("conv", Conv2d.class).forward(level));          // [B, C, h, w]
        return new HeadOutput(child("heatmap", Conv2d.class).forward(shared),                   // [B, K, h, w]
                child("offset", Conv2d.class).forward(shared),                                   // [B, 2, h, w]
                child("size", Conv2d.class).forward(shared));                                    // [B, 2, h, w]
    }

    /**
     * What the head predicts at every cell of its level.
     *
     * @param heatmapLogits class-centre logits {@code [B, K, h, w]}
     * @param offset        sub-pixel centre offset (x, y) in cells {@code [B, 2, h, w]}
     * @param logSize       log of (width, height) in cells {@code [B, 2, h, w]}
     */
    public record HeadOutput(NDArray heatmapLogits, NDArray offset, NDArray logSize) {}
}
