package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.univ.util.Scopes;

/** An ordered list of blocks named {@code 0, 1, …} (like {@code nn.Sequential} / {@code nn.ModuleList}). */
public final class Blocks extends Module {
    private int count;

    public Blocks(NDManager manager) {
        super(manager);
    }

    public void add(Module block) {
        addChild(Integer.toString(count++), block);
    }

    public Block get(int i) {
        return child(Integer.toString(i), Block.class);
    }

    public <M extends Module> M get(int i, Class<M> type) {
        return child(Integer.toString(i), type);
    }

    public int size() {
        return count;
    }

    /**
     * Runs the transformer blocks over {@code x} {@code [B, T, D]} → (x, the last block's attention). Each block
     * runs in its own scope: only what the next block needs leaves it, so activations autograd does not keep
     * (and every earlier block's attention map) are freed at once, as PyTorch frees them, instead of living in
     * the caller's scope until the step ends (measured: peak RSS 7.5 → 3.8 GB at 224 px, batch 16, image cache off).
     */
    public NDList forwardAll(NDArray x) {
        NDArray h = x;
        for (int i = 0; i < count - 1; i++) {
            Block block = get(i);
            NDArray in = h;
            h = Scopes.keep(() -> block.forward(in).get(0));
        }
        Block last = get(count - 1);
        NDArray in = h;
        return Scopes.keepAll(() -> last.forward(in));
    }
}
