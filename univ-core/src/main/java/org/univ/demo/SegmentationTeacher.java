package org.univ.demo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.univ.loss.PixelCrossEntropy;
import org.univ.model.Backbone;
import org.univ.model.BackboneOutput;
import org.univ.model.Linear;
import org.univ.model.Parameter;
import org.univ.model.PositionEmbedding;
import org.univ.train.AdamW;
import org.univ.train.Schedules;

/**
 * Supervised RGB segmentation training of a backbone from scratch (the demo's "RGB foundation model"): a
 * per-patch linear classifier on the patch tokens, logits upsampled bilinearly to the mask, cross-entropy with
 * 255 ignored; AdamW with warm-up and cosine decay; horizontal flips. It makes the teacher's tokens and
 * attention semantic on RGB images, while it never sees an infrared image.
 */
public final class SegmentationTeacher {
    private final int steps;
    private final int batch;
    private final double lr;
    private final double weightDecay;
    private final long seed;

    public SegmentationTeacher(int steps, int batch, double lr, double weightDecay, long seed) {
        this.steps = steps;
        this.batch = batch;
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.seed = seed;
    }

    /**
     * Trains {@code backbone} (token width {@code dim}) in place on the RGB images of {@code data}; writes
     * per-step losses to {@code metrics}.
     */
    public void train(Backbone backbone, int dim, SceneSet data, int numClasses, Path metrics, NDManager manager,
                      LongConsumer progress) throws IOException {
        backbone.module().setTrainable(true);
        backbone.module().setTraining(true);
        try (NDManager local = manager.newSubManager(); AdamW optimizer = new AdamW(local, 0.9, 0.999, 1e-8);
             BufferedWriter out = Files.newBufferedWriter(metrics)) {
            Linear head = new Linear(local, dim, numClasses, true);
            head.initialize(seed + 1);
            head.setTrainable(true);
            Map<String, Parameter> params = new LinkedHashMap<>(backbone.module().namedParameters());
            head.namedParameters().forEach((n, p) -> params.put("seg_head." + n, p));
            SplittableRandom rng = new SplittableRandom(seed);
            ObjectMapper json = new ObjectMapper();
            long warmup = Math.max(1, steps / 20);
            for (int step = 0; step < steps; step++) {
                int[] idx = new int[batch];
                boolean[] flips = new boolean[batch];
                for (int b = 0; b < batch; b++) {
                    idx[b] = rng.nextInt(data.size());
                    flips[b] = rng.nextBoolean();
                }
                float loss;
                try (NDManager stepManager = local.newSubManager(); NDScope scope = new NDScope()) {
                    NDArray images = data.images(stepManager, false, idx, flips);              // [B, 3, H, W]
                    NDArray truth = data.masks(stepManager, idx, flips);                       // [B, H, W]
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = maskLogits(backbone, head, images, data.height(), data.width());
                        NDArray l = PixelCrossEntropy.loss(logits, truth, PixelCrossEntropy.DEFAULT_IGNORE_INDEX);
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                }
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException("teacher training loss is not finite at step " + (step + 1));
                }
                double stepLr = Schedules.learningRate(lr, lr * 0.01, warmup, step, steps, true);
                try (NDScope scope = new NDScope()) {
                    Map<String, NDArray> grads = new LinkedHashMap<>();
                    params.forEach((n, p) -> grads.put(n, p.array().getGradient()));
                    optimizer.step(params, grads, stepLr, weightDecay);
                    grads.values().forEach(g -> g.muli(0f));
                }
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("step", step + 1);
                line.put("loss", loss);
                line.put("lr", stepLr);
                out.write(json.writeValueAsString(line));
                out.newLine();
                if (progress != null) {
                    progress.accept(step + 1);
                }
            }
        }
        backbone.module().setTrainable(false);
        backbone.module().setTraining(false);
    }

    /** Patch tokens → per-patch class scores → bilinear to the mask size: {@code [B, K, H, W]}. */
    static NDArray maskLogits(Backbone backbone, Linear head, NDArray images, int height, int width) {
        BackboneOutput out = backbone.forward(images);
        long b = images.getShape().get(0);
        NDArray scores = head.forward(out.patchTokens())                                   // [B, N, K]
                .transpose(0, 2, 1).reshape(b, -1, out.gridH(), out.gridW());              // [B, K, h, w]
        return PositionEmbedding.resizeBilinear(scores, height, width);
    }
}
