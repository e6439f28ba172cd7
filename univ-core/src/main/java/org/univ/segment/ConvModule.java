package org.univ.segment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import org.univ.model.Conv2d;
import org.univ.model.LayerNorm;
import org.univ.model.Module;

/**
 * mmcv's {@code ConvModule}: conv (no bias) → norm → ReLU, names {@code conv.weight}, {@code norm.*}. The norm is a
 * channel LayerNorm instead of mmseg's (Sync)BatchNorm: CPU batches are small (2–8 crops, and PPM's 1×1 pooled maps),
 * where batch statistics are noisy, and it keeps training and inference identical.
 */
final class ConvModule extends Module {
    ConvModule(NDManager manager, int in, int out, int kernel) {
        super(manager);
        addChild("conv", new Conv2d(manager, in, out, kernel, 1, kernel / 2, 1, false).computedAsMatmuls());
        addChild("norm", new LayerNorm(manager, out, 1e-5f));
    }

    /** {@code [B, in, h, w]} → {@code [B, out, h, w]} (conv as matmuls: see {@link Conv2d#computedAsMatmuls}). */
    NDArray forward(NDArray x) {
        return Activation.relu(child("norm", LayerNorm.class).forwardChannels(child("conv", Conv2d.class).forward(x)));
    }
}
