package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/** Pre-norm transformer block: {@code x += attn(norm1(x)); x += mlp(norm2(x))}. */
public class Block extends Module {
    private final LayerNorm norm1;
    private final Attention attn;
    private final LayerNorm norm2;
    private final Mlp mlp;

    public Block(NDManager manager, int dim, int numHeads, double mlpRatio, float eps) {
        super(manager);
        norm1 = addChild("norm1", new LayerNorm(manager, dim, eps));
        attn = addChild("attn", new Attention(manager, dim, numHeads));
        norm2 = addChild("norm2", new LayerNorm(manager, dim, eps));
        mlp = addChild("mlp", new Mlp(manager, dim, (int) Math.round(dim * mlpRatio)));
    }

    /** x {@code [B, T, D]} → (x {@code [B, T, D]}, attention {@code [B, H, T, T]}). */
    public NDList forward(NDArray x) {
        NDList a = attn.forward(norm1.forward(x));
        NDArray y = x.add(a.get(0));
        y = y.add(mlp.forward(norm2.forward(y)));
        return new NDList(y, a.get(1));
    }
}
