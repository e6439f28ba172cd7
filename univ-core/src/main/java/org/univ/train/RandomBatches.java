package org.univ.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * Compute-only benchmark data: the same random RGB and IR batch {@code [B, 3, S, S]} every step (drawn from a fixed
 * engine seed, so workers given different seeds get different batches), no decoding. For {@code univ bench step} and
 * {@code univ spark bench}.
 */
public final class RandomBatches implements BatchSource {
    private final int batch;
    private final int size;
    private final int seed;

    public RandomBatches(int batch, int size, int seed) {
        this.batch = batch;
        this.size = size;
        this.seed = seed;
    }

    @Override
    public NDList next(NDManager manager) {
        manager.getEngine().setRandomSeed(seed);
        return new NDList(manager.randomNormal(new Shape(batch, 3, size, size)),
                manager.randomNormal(new Shape(batch, 3, size, size)));
    }

    @Override
    public Map<String, Long> position() {
        return Map.of();
    }

    @Override
    public void seek(Map<String, Long> position) {
    }

    @Override
    public int batchesPerEpoch() {
        return 1;
    }

    @Override
    public void close() {
    }
}
