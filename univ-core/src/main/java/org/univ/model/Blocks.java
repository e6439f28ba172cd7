package org.univ.model;

import ai.djl.ndarray.NDManager;

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
}
