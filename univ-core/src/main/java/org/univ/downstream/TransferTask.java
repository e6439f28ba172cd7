package org.univ.downstream;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.univ.model.Backbone;

/**
 * One downstream task for {@link TransferStudy} (detection: {@code DetectionTransfer}, segmentation:
 * {@code SegTransfer}): trains the same head with the same seeds on whatever backbone and modality it is given, and
 * scores it on held-out data.
 */
public interface TransferTask {
    /** Short name: {@code det}, {@code seg}. */
    String name();

    /** Metric names in table order (the first is the headline, e.g. AP50). */
    List<String> metrics();

    /**
     * Trains and scores one head per seed.
     *
     * @param backboneName {@code teacher} / {@code student}: names pictures and logs
     * @param backbones    a fresh copy of the backbone per call (frozen protocols may call it once; fine-tuning
     *                     needs one per seed); the task closes what it gets
     * @param outDir       where the task may write pictures and per-run files
     * @return per seed, in order, the metrics by name, plus the pictures written
     */
    Result run(String backboneName, Supplier<Backbone> backbones, Modality modality, List<Long> seeds, Path outDir);

    /** What one backbone × modality gave. */
    record Result(List<Map<String, Double>> perSeed, List<Path> pictures) {
        public Result {
            perSeed = List.copyOf(perSeed);
            pictures = List.copyOf(pictures);
        }
    }
}
