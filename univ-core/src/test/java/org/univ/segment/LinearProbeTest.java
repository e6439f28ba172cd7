package org.univ.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.univ.eval.SegMetrics;
import org.univ.model.PositionEmbedding;

class LinearProbeTest {
    private static final int GRID = 4;
    private static final int DIM = 6;
    private static final int K = 3;
    private static final int MASK = 8;

    /** Tokens and masks where the class is a linear function of the token features. */
    private record Problem(NDArray tokens, NDArray masks) {
        int[][] maskRows() {
            int[] flat = masks.toIntArray();
            int m = (int) masks.getShape().get(0);
            int pixels = flat.length / m;
            int[][] rows = new int[m][];
            for (int i = 0; i < m; i++) {
                rows[i] = Arrays.copyOfRange(flat, i * pixels, (i + 1) * pixels);
            }
            return rows;
        }
    }

    /**
     * Channel c of every token is {@code offset_c + scale_c·u} with u uniform in [−1, 1] (so standardisation has
     * work to do); the true class scores are {@code A·u} on the token grid, resized bilinearly to the mask, and the
     * mask is their argmax (the probe's own model family). A fraction of the pixels is set to 255 (ignore).
     */
    private static Problem problem(NDManager m, long ruleSeed, long dataSeed, int images, double ignoreFraction) {
        SplittableRandom rule = new SplittableRandom(ruleSeed);
        float[] a = new float[K * DIM];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rule.nextDouble() * 2 - 1);
        }
        SplittableRandom data = new SplittableRandom(dataSeed);
        int n = GRID * GRID;
        float[] u = new float[images * n * DIM];
        float[] x = new float[u.length];
        for (int i = 0; i < u.length; i++) {
            int c = i % DIM;
            u[i] = (float) (data.nextDouble() * 2 - 1);
            x[i] = (3f * c - 5f) + (0.5f + c) * u[i];
        }
        int[] masks;
        try (NDScope scope = new NDScope()) {
            NDArray scores = m.create(u, new Shape(images, n, DIM)).matMul(m.create(a, new Shape(K, DIM)).transpose())
                    .reshape(images, GRID, GRID, K).transpose(0, 3, 1, 2);                 // [M, K, 4, 4]
            masks = PositionEmbedding.resizeBilinear(scores, MASK, MASK).argMax(1).toType(DataType.INT32, false)
                    .toIntArray();
        }
        for (int p = 0; p < masks.length; p++) {
            if (data.nextDouble() < ignoreFraction) {
                masks[p] = 255;
            }
        }
        return new Problem(m.create(x, new Shape(images, n, DIM)), m.create(masks, new Shape(images, MASK, MASK)));
    }

    @Test
    void learnsALinearRuleToNearlyPerfectPixelAccuracy() {
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            Problem train = problem(m, 1, 2, 24, 0.1);
            Problem test = problem(m, 1, 3, 12, 0.0);
            int epochs = 1500;
            try (LinearProbe probe = LinearProbe.builder().setNumClasses(K).optEpochs(epochs).optBatchSize(0)
                    .optLr(0.05).optWeightDecay(0).optSeed(5).build()) {
                long t0 = System.nanoTime();
                probe.fit(train.tokens(), GRID, GRID, train.masks());
                double seconds = (System.nanoTime() - t0) / 1e9;
                SegMetrics.Result onTrain = probe.evaluate(train.tokens(), train.masks());
                SegMetrics.Result onTest = probe.evaluate(test.tokens(), test.masks());
                float[] losses = probe.epochLosses();
                System.out.printf("probe: %d full-batch steps (24 images, 8x8 masks) in %.2f s (%.0f steps/s); loss %.4f"
                                + " -> %.4f; train aAcc %.4f mIoU %.4f; held-out aAcc %.4f mIoU %.4f%n",
                        probe.steps(), seconds, probe.steps() / seconds, losses[0], losses[epochs - 1],
                        onTrain.aAcc(), onTrain.mIoU(), onTest.aAcc(), onTest.mIoU());
                assertEquals(epochs, probe.steps());
                assertTrue(losses[epochs - 1] < 0.2 * losses[0]);
                assertTrue(onTrain.aAcc() > 0.98, "train aAcc " + onTrain.aAcc());
                assertTrue(onTest.aAcc() > 0.97, "held-out aAcc " + onTest.aAcc());
                assertTrue(onTest.mIoU() > 0.9, "held-out mIoU " + onTest.mIoU());
                // the ignored tenth of the training pixels is left out of the score
                long labelled = Arrays.stream(onTrain.areaLabel()).sum();
                assertTrue(labelled < 24 * 64 * 0.95 && labelled > 24 * 64 * 0.8, "labelled " + labelled);
            }
        }
    }

    @Test
    void minibatchesConvergeToo() {
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            Problem train = problem(m, 1, 2, 24, 0.1);
            try (LinearProbe probe = LinearProbe.builder().setNumClasses(K).optEpochs(150).optBatchSize(5)
                    .optLr(0.05).optSeed(5).build()) {
                probe.fit(train.tokens(), GRID, GRID, train.masks());
                assertEquals(150 * 5, probe.steps()); // 24 images in batches of 5: 5 steps per epoch
                SegMetrics.Result r = probe.evaluate(problem(m, 1, 3, 12, 0).tokens(), problem(m, 1, 3, 12, 0).masks());
                System.out.printf("probe, minibatches of 5: held-out aAcc %.4f mIoU %.4f%n", r.aAcc(), r.mIoU());
                assertTrue(r.aAcc() > 0.95, "held-out aAcc " + r.aAcc());
            }
        }
    }

    @Test
    void deterministicForASeed() {
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            Problem train = problem(m, 1, 2, 10, 0.1);
            float[] first = fitWeights(train, 11, false);
            float[] again = fitWeights(train, 11, true); // int[][] masks, same numbers
            float[] other = fitWeights(train, 12, false);
            assertArrayEquals(first, again, 0f);
            assertFalse(Arrays.equals(first, other));
        }
    }

    private static float[] fitWeights(Problem train, long seed, boolean rows) {
        try (LinearProbe probe = LinearProbe.builder().setNumClasses(K).optEpochs(20).optBatchSize(3).optSeed(seed)
                .build()) {
            if (rows) {
                probe.fit(train.tokens(), GRID, GRID, train.maskRows(), MASK, MASK);
            } else {
                probe.fit(train.tokens(), GRID, GRID, train.masks());
            }
            float[] w = probe.head().weight().array().toFloatArray();
            float[] b = probe.head().bias().array().toFloatArray();
            float[] both = Arrays.copyOf(w, w.length + b.length);
            System.arraycopy(b, 0, both, w.length, b.length);
            return both;
        }
    }

    @Test
    void standardisationStatisticsAreThoseOfTheTrainingTokens() {
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            Problem train = problem(m, 1, 2, 5, 0);
            float[] x = train.tokens().toFloatArray();
            double[] mean = new double[DIM];
            double[] sq = new double[DIM];
            int rows = x.length / DIM;
            for (int i = 0; i < x.length; i++) {
                mean[i % DIM] += x[i] / rows;
            }
            for (int i = 0; i < x.length; i++) {
                double d = x[i] - mean[i % DIM];
                sq[i % DIM] += d * d / rows;        // population variance
            }
            try (LinearProbe probe = LinearProbe.builder().setNumClasses(K).optEpochs(1).build()) {
                probe.fit(train.tokens(), GRID, GRID, train.masks());
                for (int c = 0; c < DIM; c++) {
                    assertEquals(mean[c], probe.channelMean()[c], 1e-4);
                    assertEquals(Math.sqrt(sq[c]), probe.channelStd()[c], 1e-4);
                }
            }
        }
    }

    @Test
    void predictionsAgreeWithEvaluateAndOutliveTheCallersScope() {
        try (NDManager m = NDManager.newBaseManager()) {
            Problem train = problem(m, 1, 2, 6, 0.1);
            try (LinearProbe probe = LinearProbe.builder().setNumClasses(K).optEpochs(30).optBatchSize(4).build()) {
                try (NDScope callerScope = new NDScope()) {
                    probe.fit(train.tokens(), GRID, GRID, train.masks());
                }
                int[][] predicted = probe.predict(train.tokens());
                assertEquals(6, predicted.length);
                assertEquals(MASK * MASK, predicted[0].length);
                SegMetrics byHand = new SegMetrics(K, 255);
                int[][] truth = train.maskRows();
                for (int i = 0; i < predicted.length; i++) {
                    byHand.add(predicted[i], truth[i]);
                }
                SegMetrics.Result viaProbe = probe.evaluate(train.tokens(), train.masks());
                assertArrayEquals(byHand.result().iou(), viaProbe.iou(), 0);
                assertEquals(byHand.result().aAcc(), viaProbe.aAcc(), 0);
                // at another size, and as class scores
                assertEquals(16 * 12, probe.predict(train.tokens(), 16, 12)[5].length);
                try (NDScope s = new NDScope()) {
                    assertEquals(new Shape(6, K, 4, 4), probe.logits(train.tokens(), 4, 4).getShape());
                }
            }
        }
    }

    @Test
    void badInputGetsClearErrors() {
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            Problem train = problem(m, 1, 2, 3, 0);
            LinearProbe probe = LinearProbe.builder().setNumClasses(K).optEpochs(1).build();
            assertThrows(IllegalStateException.class, () -> probe.predict(train.tokens()));
            NDArray binary = m.full(new Shape(3, MASK, MASK), 7);
            IllegalArgumentException values = assertThrows(IllegalArgumentException.class,
                    () -> probe.fit(train.tokens(), GRID, GRID, binary));
            assertTrue(values.getMessage().contains("remap"), values.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> probe.fit(train.tokens(), GRID, GRID, m.full(new Shape(3, MASK, MASK), 255)));
            assertThrows(IllegalArgumentException.class, () -> probe.fit(train.tokens(), 3, 5, train.masks()));
            assertThrows(IllegalArgumentException.class,
                    () -> probe.fit(train.tokens(), GRID, GRID, train.masks().get("0:2")));
            probe.fit(train.tokens(), GRID, GRID, train.masks());
            assertThrows(IllegalArgumentException.class, () -> probe.predict(m.zeros(new Shape(2, 16, DIM + 1))));
            // a fit that blows up leaves no half-trained probe behind
            NDArray broken = train.tokens().duplicate();
            broken.set(new NDIndex("0, 0, 0"), Float.NaN);
            IllegalStateException nan = assertThrows(IllegalStateException.class,
                    () -> probe.fit(broken, GRID, GRID, train.masks()));
            assertTrue(nan.getMessage().contains("not finite"), nan.getMessage());
            assertThrows(IllegalStateException.class, () -> probe.predict(train.tokens()));
            probe.close();
            assertThrows(IllegalArgumentException.class, () -> LinearProbe.builder().build());
            assertThrows(IllegalArgumentException.class,
                    () -> LinearProbe.builder().setNumClasses(3).optIgnoreIndex(2).build());
            assertThrows(IllegalArgumentException.class, () -> LinearProbe.builder().setNumClasses(3).optLr(0).build());
        }
    }
}
