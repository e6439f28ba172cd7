package org.univ.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/** Where the trainer's paired batches come from; deterministic given its position, so resume is exact. */
public interface BatchSource extends AutoCloseable {
    /** The next batch as {@code [rgb [B,3,S,S], ir [B,3,S,S]]}, created in {@code manager}. */
    NDList next(NDManager manager);

    /** Where the source stands (epoch, batch index …), stored in checkpoints. */
    Map<String, Long> position();

    /** Continues from a stored {@link #position()}. */
    void seek(Map<String, Long> position);

    int batchesPerEpoch();

    @Override
    void close();
}
