package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/** fc1 → exact (erf) GELU → fc2. */
public class Mlp extends Module {
    public Mlp(NDManager manager, int dim, int hidden) {
        super(manager);
        addChild("fc1", new Linear(manager, dim, hidden, true));
        addChild("fc2", new Linear(manager, hidden, dim, true));
    }

    public NDArray forward(NDArray x) {
        NDArray h = Activation.gelu(child("fc1", Linear.class).forward(x));
        return child("fc2", Linear.class).forward(h);
    }
}
