package org.univ.segment;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.univ.downstream.DownstreamBenchmark;
import org.univ.downstream.Modality;
import org.univ.model.Backbone;

/**
 * Segmentation speed with a frozen backbone: UperNet head training steps/s from cached features (the frozen protocol
 * of {@link SegTrainer}), and inference images/s at a given size (backbone + pyramid + UperNet + upsampling, whole
 * images, random inputs). Backbone and data as {@link DownstreamBenchmark} chooses them (a data root needs
 * {@code mask/} and {@code classes.txt}, as {@code univ data synth} writes them).
 */
public final class SegBenchmark {
    private SegBenchmark() {}

    public record Result(int inferenceWidth, int inferenceHeight, int inferenceBatch, double imagesPerSecond,
                         int trainWidth, int trainHeight, int batch, double cachedStepsPerSecond) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("inference_size", inferenceWidth + "x" + inferenceHeight);
            m.put("inference_batch", inferenceBatch);
            m.put("inference_images_per_s", round(imagesPerSecond));
            m.put("train_size", trainWidth + "x" + trainHeight);
            m.put("batch", batch);
            m.put("cached_steps_per_s", round(cachedStepsPerSecond));
            return m;
        }

        private static double round(double v) {
            return Math.round(v * 1000) / 1000.0;
        }
    }

    /**
     * @param weights  backbone checkpoint (null: random DeiT-Tiny)
     * @param data     root with IR images and masks (null: generated 640×480 scenes)
     * @param training head and schedule (size, batch, channels …); the protocol is frozen, the iterations
     *                 {@code warmup + steps}
     * @param steps    timed steps (after {@code warmup ≥ 1} untimed ones: the first step's time includes caching
     *                 the features) for each measurement
     */
    public static Result run(Path weights, String data, int inferenceWidth, int inferenceHeight, int inferenceBatch,
                             SegTrainer.Builder training, int steps, int warmup) {
        if (warmup < 1 || steps < 1) {
            throw new IllegalArgumentException("need steps >= 1 and warmup >= 1 (the first step's time includes caching"
                    + " the backbone features), got " + steps + " and " + warmup);
        }
        SegTrainer trainer = training.optProtocol(SegTrainer.Protocol.FREEZE).optIterations(warmup + steps).build();
        return DownstreamBenchmark.onData(data, root -> {
            SegDataset dataset = SegDataset.builder().setData(root).setModality(Modality.IR).load();
            try (NDManager manager = NDManager.newBaseManager();
                 Backbone backbone = DownstreamBenchmark.backbone(weights, manager)) {
                List<Double> seconds = new ArrayList<>();
                SegTrainer.Trained trained = trainer.train(backbone, dataset, manager, s -> seconds.add(s.seconds()));
                SegHeadInfo i = trained.info();
                SegHeadInfo atInferenceSize = new SegHeadInfo(i.classes(), i.modality(), inferenceHeight, inferenceWidth,
                        inferenceHeight, inferenceWidth, i.channels(), i.protocol(), i.ignoreIndex(), i.lora(),
                        i.backboneArch(), i.embedDim(), i.stageChannels());
                try (SegHead head = trained.head();
                     UnivSegmentation model = UnivSegmentation.of(backbone, head, atInferenceSize)) {
                    double imagesPerSecond = DownstreamBenchmark.imagesPerSecond(model::scores, inferenceBatch,
                            inferenceWidth, inferenceHeight, steps, warmup, manager);
                    return new Result(inferenceWidth, inferenceHeight, inferenceBatch, imagesPerSecond, i.width(),
                            i.height(), trainer.batchSize(), DownstreamBenchmark.stepsPerSecond(seconds, warmup));
                }
            }
        });
    }
}
