package org.univ.model;

import org.univ.util.Tensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Multi-head self-attention as timm writes it: one {@code qkv} Linear split as [Q | K | V], each into
 * H consecutive heads; scale {@code head_dim^-0.5}; {@code proj} Linear. Returns the softmax
 * probabilities too, because PCCL's pseudo-labels are made from them.
 */
public class Attention extends Module {
    private final int numHeads;
    private final float scale;

    public Attention(NDManager manager, int dim, int numHeads) {
        super(manager);
        if (dim % numHeads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not divisible by " + numHeads + " heads");
        }
        this.numHeads = numHeads;
        this.scale = (float) Math.pow(dim / (double) numHeads, -0.5);
        addChild("qkv", new Linear(manager, dim, 3 * dim, true));
        addChild("proj", new Linear(manager, dim, dim, true));
    }

    /** x {@code [B, T, D]} → (output {@code [B, T, D]}, attention probabilities {@code [B, H, T, T]}). */
    public NDList forward(NDArray x) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long d = x.getShape().get(2);
        NDArray qkvHeads = child("qkv", Linear.class).forward(x)  // [B, T, 3D]
                .reshape(b, t, 3, numHeads, d / numHeads)
                .transpose(2, 0, 3, 1, 4);                                // [3, B, H, T, hd]
        NDArray q = Tensors.mul(qkvHeads.get(0), scale);
        NDArray k = qkvHeads.get(1);
        NDArray v = qkvHeads.get(2);
        NDArray attn = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1);   // [B, H, T, T]
        NDArray out = attn.matMul(v)                                    // [B, H, T, hd]
                .transpose(0, 2, 1, 3)
                .reshape(b, t, d);
        return new NDList(child("proj", Linear.class).forward(out), attn);
    }

    public int numHeads() {
        return numHeads;
    }
}
