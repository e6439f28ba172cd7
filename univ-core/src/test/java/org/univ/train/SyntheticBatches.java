package org.univ.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.univ.TestModels;

/**
 * Deterministic random pairs for trainer tests: batch i of epoch e depends only on (seed, e, i); the IR
 * image is a noisy, contrast-inverted copy of the RGB one so the two modalities share structure.
 */
final class SyntheticBatches implements BatchSource {
    private final int batch;
    private final int size;
    private final int batchesPerEpoch;
    private final long seed;
    private long epoch;
    private long index;
    float irScale = 1f; // tests set NaN here to poison the inputs

    SyntheticBatches(int batch, int size, int batchesPerEpoch, long seed) {
        this.batch = batch;
        this.size = size;
        this.batchesPerEpoch = batchesPerEpoch;
        this.seed = seed;
    }

    @Override
    public NDList next(NDManager manager) {
        long s = seed * 1_000_003L + epoch * 10_007L + index;
        var rgb = TestModels.randn(manager, s, batch, 3, size, size);
        var ir = rgb.mean(new int[] {1}, true).repeat(1, 3).neg().add(TestModels.randn(manager, s + 1, batch, 3, size, size)
                .mul(0.1f)).mul(irScale);
        if (++index == batchesPerEpoch) {
            index = 0;
            epoch++;
        }
        return new NDList(rgb, ir);
    }

    @Override
    public Map<String, Long> position() {
        Map<String, Long> p = new LinkedHashMap<>();
        p.put("epoch", epoch);
        p.put("batch", index);
        return p;
    }

    @Override
    public void seek(Map<String, Long> position) {
        epoch = position.get("epoch");
        index = position.get("batch");
    }

    @Override
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    @Override
    public void close() {
    }
}
