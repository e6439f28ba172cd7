package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/** ConvMAE's {@code CMlp}: the MLP of {@link Mlp} on maps, fc1/fc2 as 1×1 convolutions. */
public class ConvMlp extends Module {
    public ConvMlp(NDManager manager, int dim, int hidden) {
        super(manager);
        addChild("fc1", new Conv2d(manager, dim, hidden, 1, 1, 0, 1, true).computedAsMatmuls());
        addChild("fc2", new Conv2d(manager, hidden, dim, 1, 1, 0, 1, true).computedAsMatmuls());
    }

    /** x {@code [B, D, H, W]} → {@code [B, D, H, W]}. */
    public NDArray forward(NDArray x) {
        NDArray h = Activation.gelu(child("fc1", Conv2d.class).forward(x)); // [B, hidden, H, W]
        return child("fc2", Conv2d.class).forward(h);
    }
}
