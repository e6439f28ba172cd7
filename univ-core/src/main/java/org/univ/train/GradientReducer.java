package org.univ.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * What happens to a step's gradients between backward and the optimiser update. On one machine nothing
 * ({@link #IDENTITY}); data-parallel training combines them over the workers (e.g. a collective all-reduce) so
 * that every worker clips and applies the same update, exactly as one machine would on the whole batch.
 */
public interface GradientReducer {
    /** One machine: the local gradients and loss terms are the global ones. */
    GradientReducer IDENTITY = (loss, gradients) -> loss;

    /**
     * Called once per step on every worker.
     *
     * @param local this worker's loss terms (means over its share of the batch)
     * @param gradients this worker's gradient of every LoRA factor, by name; a reducer replaces each entry by the
     *                  global gradient (arrays it creates in the caller's scope); the identity leaves them
     * @return the global loss terms (what metrics record and the NaN check sees, so that all workers stop together)
     */
    Trainer.StepLoss reduce(Trainer.StepLoss local, Map<String, NDArray> gradients);

    /**
     * Which worker this is (0 on one machine). It keys the LoRA dropout masks, so that workers draw independent
     * masks for their shards while worker 0 draws the masks a single machine would.
     */
    default int replica() {
        return 0;
    }
}
