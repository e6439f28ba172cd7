package org.univ.spark.train;

import java.io.Serializable;
import java.util.Map;

/**
 * What one pre-training task reports back to the driver.
 *
 * @param partition the task's partition (= its rank and data shard)
 * @param fromStep where this attempt started (0, or the checkpoint it resumed)
 * @param toStep the step it finished at
 * @param loraHashes SHA-256 of the task's LoRA factors at every checkpoint step of this attempt, by step
 * @param trainSeconds wall time of its training loop
 * @param allReduceMillis mean wall time of one gradient all-reduce
 */
public record WorkerReport(int partition, long fromStep, long toStep, Map<Long, String> loraHashes, double trainSeconds,
                           double allReduceMillis) implements Serializable {
    /** Wall time per step of this attempt, in ms. */
    public double millisPerStep() {
        return toStep == fromStep ? Double.NaN : 1000 * trainSeconds / (toStep - fromStep);
    }
}
