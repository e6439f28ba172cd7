package org.univ.spark.bench;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.univ.train.BatchSource;

/** Compute-only benchmark data: the same random pair shard every step (seeded per worker), no decoding. */
final class RandomShards implements BatchSource {
    private final int shard;
    private final int size;
    private final int seed;

    RandomShards(int shard, int size, int seed) {
        this.shard = shard;
        this.size = size;
        this.seed = seed;
    }

    @Override
    public NDList next(NDManager manager) {
        manager.getEngine().setRandomSeed(seed);
        return new NDList(manager.randomNormal(new Shape(shard, 3, size, size)),
                manager.randomNormal(new Shape(shard, 3, size, size)));
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
