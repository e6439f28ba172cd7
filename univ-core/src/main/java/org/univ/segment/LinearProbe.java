package org.univ.segment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.univ.eval.SegMetrics;
import org.univ.loss.PixelCrossEntropy;
import org.univ.model.Linear;
import org.univ.model.Parameter;
import org.univ.model.PositionEmbedding;
import org.univ.train.AdamW;
import org.univ.train.Schedules;
import org.univ.util.Scopes;

/**
 * A frozen-backbone segmentation probe (METHOD.md §7): a per-patch linear classifier on precomputed patch tokens.
 *
 * <p>Tokens {@code [M, N, D]} are standardised per channel with the mean and (population) standard deviation of
 * the training tokens, which are stored and reused for prediction. Class scores per token, {@code Linear(D → K)},
 * are laid out on the token grid {@code [M, K, h, w]} and resized bilinearly ({@code align_corners=False}) to the
 * mask size with fixed interpolation matrices ({@link PositionEmbedding#bilinearMatrix}); the loss is the pixel
 * cross-entropy with ignore index ({@link PixelCrossEntropy}). Training is AdamW ({@link AdamW}, decay on the
 * weight only) for a fixed number of epochs over minibatches in a seeded order, the learning rate following a
 * cosine from its peak to 0 (or constant). Initialisation (truncated normal, std 0.02, bias 0) and order depend
 * on the seed only, so a fit is repeatable.
 *
 * <p>Cost per step grows with the mask pixels (the resized logits are {@code [B, K, H, W]}): train on masks at a
 * reduced size (nearest-neighbour) when the full size is slow, and predict at any size.
 *
 * <p>The probe's state lives in a sub-manager of the training tokens' manager; close the probe when done.
 */
public final class LinearProbe implements AutoCloseable {
    /** Standard deviations below this are taken as this (a constant channel carries no information). */
    public static final float MIN_STD = 1e-6f;

    private final int numClasses;
    private final int epochs;
    private final int batchSize;
    private final double lr;
    private final double weightDecay;
    private final boolean cosine;
    private final long seed;
    private final int ignoreIndex;

    private NDManager manager;
    private Linear head;
    private NDArray channelMean;   // [D]
    private NDArray channelStd;    // [D]
    private int gridH;
    private int gridW;
    private int maskH;
    private int maskW;
    private int dim;
    private float[] epochLosses;
    private long steps;

    private LinearProbe(Builder b) {
        this.numClasses = b.numClasses;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.lr = b.lr;
        this.weightDecay = b.weightDecay;
        this.cosine = b.cosine;
        this.seed = b.seed;
        this.ignoreIndex = b.ignoreIndex;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains the probe (from scratch; a second fit replaces the first).
     *
     * @param tokens frozen patch tokens of the training images {@code [M, N, D]}, N = gridH·gridW row-major
     * @param gridH  token rows h
     * @param gridW  token columns w
     * @param masks  classes {@code [M, H, W]} (any integer type), values in {@code [0, K)} or the ignore index
     */
    public void fit(NDArray tokens, int gridH, int gridW, NDArray masks) {
        int m = checkTokens(tokens, gridH, gridW, -1);
        Shape ms = masks.getShape();
        if (ms.dimension() != 3 || ms.get(0) != m) {
            throw new IllegalArgumentException("expected masks [M, H, W] for the " + m + " token sets, got " + ms);
        }
        checkMaskValues(masks);
        if (manager != null) {
            manager.close();
        }
        this.manager = tokens.getManager().newSubManager();
        this.gridH = gridH;
        this.gridW = gridW;
        this.maskH = (int) ms.get(1);
        this.maskW = (int) ms.get(2);
        this.dim = (int) tokens.getShape().get(2);
        this.head = new Linear(manager, dim, numClasses, true);
        // the probe owns its parameters: they must not close with whatever NDScope the caller has open
        head.namedParameters().values().forEach(p -> NDScope.unregister(p.array()));
        head.initialize(seed);
        head.setTrainable(true);
        Map<String, Parameter> params = new LinkedHashMap<>(head.namedParameters());

        int batch = batchSize <= 0 ? m : Math.min(batchSize, m);
        int stepsPerEpoch = (m + batch - 1) / batch;
        long totalSteps = (long) epochs * stepsPerEpoch;
        SplittableRandom order = new SplittableRandom(seed);
        epochLosses = new float[epochs];
        steps = 0;
        boolean fitted = false;
        try (NDScope fitScope = new NDScope(); AdamW optimizer = new AdamW(manager, 0.9, 0.999, 1e-8)) {
            NDArray x = tokens.toType(DataType.FLOAT32, false).stopGradient();
            NDArray rowsOfChannels = x.reshape(-1, dim);                                    // [M·N, D]
            NDArray mean = rowsOfChannels.mean(new int[] {0});                              // [D]
            NDArray std = rowsOfChannels.sub(mean).square().mean(new int[] {0}).sqrt().maximum(MIN_STD);
            channelMean = keep(mean);
            channelStd = keep(std);
            NDArray standardized = standardize(x);                                         // [M, N, D]
            NDArray truth = masks.toType(DataType.INT64, false);                           // [M, H, W]
            NDManager tm = x.getManager();
            NDArray rows = PositionEmbedding.matrix(tm, PositionEmbedding.bilinearMatrix(gridH, maskH));
            NDArray cols = PositionEmbedding.matrix(tm, PositionEmbedding.bilinearMatrix(gridW, maskW));
            for (int epoch = 0; epoch < epochs; epoch++) {
                long[] perm = permutation(m, batch < m ? order : null);
                double lossSum = 0;
                for (int start = 0; start < m; start += batch) {
                    int end = Math.min(start + batch, m);
                    double stepLr = cosine ? Schedules.cosine(lr, 0, steps, totalSteps) : lr;
                    float loss = step(standardized, truth, perm, start, end, rows, cols);
                    if (!Float.isFinite(loss)) {
                        throw new IllegalStateException(String.format(Locale.ROOT, "probe loss is not finite (%s) at"
                                + " epoch %d; lower the learning rate (now %s) or check the tokens for NaN/Inf",
                                loss, epoch + 1, lr));
                    }
                    lossSum += loss * (end - start);
                    update(optimizer, params, stepLr);
                    steps++;
                }
                epochLosses[epoch] = (float) (lossSum / m);
            }
            fitted = true;
        } finally {
            head.setTrainable(false);
            if (!fitted) {
                close(); // a half-trained probe must not predict
            }
        }
    }

    /** As {@link #fit(NDArray, int, int, NDArray)} with masks as rows of {@code maskH·maskW} classes. */
    public void fit(NDArray tokens, int gridH, int gridW, int[][] masks, int maskH, int maskW) {
        try (NDScope scope = new NDScope()) {
            fit(tokens, gridH, gridW, masksArray(tokens.getManager(), masks, maskH, maskW));
        }
    }

    /** Forward, loss and backward of one minibatch; returns the loss. */
    private float step(NDArray standardized, NDArray truth, long[] perm, int start, int end, NDArray rows,
                       NDArray cols) {
        try (NDScope stepScope = new NDScope()) {
            NDArray x;
            NDArray t;
            if (start == 0 && end == perm.length && isIdentity(perm)) {
                x = standardized;
                t = truth;
            } else {
                NDArray idx = standardized.getManager().create(Arrays.copyOfRange(perm, start, end));
                x = standardized.get(new NDIndex("{}", idx));                                // [B, N, D]
                t = truth.get(new NDIndex("{}", idx));                                       // [B, H, W]
            }
            try (GradientCollector collector = standardized.getManager().getEngine().newGradientCollector()) {
                NDArray loss = PixelCrossEntropy.loss(maskLogits(x, rows, cols), t, ignoreIndex);
                collector.backward(loss);
                return loss.getFloat();
            }
        }
    }

    /** AdamW on the head, then the gradients are zeroed (libtorch accumulates them). */
    private void update(AdamW optimizer, Map<String, Parameter> params, double stepLr) {
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            params.forEach((name, p) -> grads.put(name, p.array().getGradient()));
            optimizer.step(params, grads, stepLr, weightDecay);
            grads.values().forEach(g -> g.muli(0f));
        }
    }

    /** Standardised tokens {@code [B, N, D]} → class scores at mask size {@code [B, K, H, W]}. */
    private NDArray maskLogits(NDArray standardized, NDArray rows, NDArray cols) {
        long b = standardized.getShape().get(0);
        NDArray tokenLogits = head.forward(standardized)                                     // [B, N, K]
                .reshape(b, gridH, gridW, numClasses).transpose(0, 3, 1, 2);                 // [B, K, h, w]
        return PositionEmbedding.separable(tokenLogits, rows, cols);                        // [B, K, H, W]
    }

    private NDArray standardize(NDArray tokens) {
        return tokens.toType(DataType.FLOAT32, false).sub(channelMean).div(channelStd);
    }

    /**
     * Class scores at {@code outH × outW} for tokens {@code [M, N, D]} of the fitted grid: {@code [M, K, H, W]},
     * attached to the tokens' manager (and to the caller's NDScope, if any).
     */
    public NDArray logits(NDArray tokens, int outH, int outW) {
        requireFitted();
        checkTokens(tokens, gridH, gridW, dim);
        return Scopes.keep(() -> {
            NDManager tm = tokens.getManager();
            return maskLogits(standardize(tokens.stopGradient()),
                    PositionEmbedding.matrix(tm, PositionEmbedding.bilinearMatrix(gridH, outH)),
                    PositionEmbedding.matrix(tm, PositionEmbedding.bilinearMatrix(gridW, outW)));
        });
    }

    /** Predicted classes at the training mask size, one row of {@code H·W} per token set. */
    public int[][] predict(NDArray tokens) {
        requireFitted();
        return predict(tokens, maskH, maskW);
    }

    /** Predicted classes (argmax of the resized scores) at {@code outH × outW}, row-major, one row per token set. */
    public int[][] predict(NDArray tokens, int outH, int outW) {
        requireFitted();
        int m = checkTokens(tokens, gridH, gridW, dim);
        int[][] out = new int[m][];
        int chunk = chunk(m);
        for (int start = 0; start < m; start += chunk) {
            int end = Math.min(start + chunk, m);
            try (NDScope scope = new NDScope()) {
                int[] classes = predictChunk(tokens.get(start + ":" + end), outH, outW).toIntArray();
                int pixels = outH * outW;
                for (int i = start; i < end; i++) {
                    out[i] = Arrays.copyOfRange(classes, (i - start) * pixels, (i - start + 1) * pixels);
                }
            }
        }
        return out;
    }

    /** {@code [B, H, W]} INT32 classes. */
    private NDArray predictChunk(NDArray tokens, int outH, int outW) {
        return logits(tokens, outH, outW).argMax(1).toType(DataType.INT32, false);
    }

    /** Scores the probe on tokens {@code [M, N, D]} and masks {@code [M, H, W]} (predicted at the masks' size). */
    public SegMetrics.Result evaluate(NDArray tokens, NDArray masks) {
        SegMetrics metrics = new SegMetrics(numClasses, ignoreIndex);
        score(tokens, masks, metrics);
        return metrics.result();
    }

    /** As {@link #evaluate(NDArray, NDArray)} with masks as rows of {@code maskH·maskW} classes. */
    public SegMetrics.Result evaluate(NDArray tokens, int[][] masks, int maskH, int maskW) {
        try (NDScope scope = new NDScope()) {
            return evaluate(tokens, masksArray(tokens.getManager(), masks, maskH, maskW));
        }
    }

    /** Adds the probe's predictions on tokens {@code [M, N, D]} against masks {@code [M, H, W]} to {@code metrics}. */
    public void score(NDArray tokens, NDArray masks, SegMetrics metrics) {
        requireFitted();
        int m = checkTokens(tokens, gridH, gridW, dim);
        Shape ms = masks.getShape();
        if (ms.dimension() != 3 || ms.get(0) != m) {
            throw new IllegalArgumentException("expected masks [M, H, W] for the " + m + " token sets, got " + ms);
        }
        int chunk = chunk(m);
        for (int start = 0; start < m; start += chunk) {
            int end = Math.min(start + chunk, m);
            try (NDScope scope = new NDScope()) {
                metrics.add(predictChunk(tokens.get(start + ":" + end), (int) ms.get(1), (int) ms.get(2)),
                        masks.get(start + ":" + end));
            }
        }
    }

    private int chunk(int m) {
        return Math.max(1, batchSize <= 0 ? Math.min(m, 8) : batchSize);
    }

    /** Masks given as rows of classes → {@code [M, H, W]} INT32 of {@code manager}. */
    public static NDArray masksArray(NDManager manager, int[][] masks, int maskH, int maskW) {
        int pixels = maskH * maskW;
        if (maskH <= 0 || maskW <= 0) {
            throw new IllegalArgumentException("mask size must be positive, got " + maskH + "x" + maskW);
        }
        int[] flat = new int[masks.length * pixels];
        for (int i = 0; i < masks.length; i++) {
            if (masks[i].length != pixels) {
                throw new IllegalArgumentException("mask " + i + " has " + masks[i].length + " pixels, expected "
                        + maskH + "x" + maskW + " = " + pixels);
            }
            System.arraycopy(masks[i], 0, flat, i * pixels, pixels);
        }
        return manager.create(flat, new Shape(masks.length, maskH, maskW));
    }

    private void checkMaskValues(NDArray masks) {
        try (NDScope scope = new NDScope()) {
            NDArray v = masks.toType(DataType.INT64, false);
            NDArray bad = v.lt(0).logicalOr(v.gte(numClasses)).logicalAnd(v.neq(ignoreIndex));
            if (bad.any().getBoolean()) {
                throw new IllegalArgumentException("masks hold " + v.get(bad).get(0).getLong() + ", neither a class in"
                        + " [0, " + numClasses + ") nor the ignore index " + ignoreIndex
                        + "; remap the mask values (e.g. 0/255 binary masks to 0/1) or set numClasses / ignoreIndex");
            }
            if (!v.neq(ignoreIndex).any().getBoolean()) {
                throw new IllegalArgumentException("every mask pixel is the ignore index " + ignoreIndex
                        + ": nothing to train on");
            }
        }
    }

    /** Checks tokens {@code [M, N, D]} against a grid (and D when {@code dim > 0}); returns M. */
    private static int checkTokens(NDArray tokens, int gridH, int gridW, int dim) {
        Shape s = tokens.getShape();
        if (s.dimension() != 3) {
            throw new IllegalArgumentException("expected patch tokens [M, N, D], got " + s);
        }
        if (gridH <= 0 || gridW <= 0 || (long) gridH * gridW != s.get(1)) {
            throw new IllegalArgumentException("grid " + gridH + "x" + gridW + " does not hold the " + s.get(1)
                    + " tokens of " + s + " (tokens must come from images of the training size)");
        }
        if (dim > 0 && s.get(2) != dim) {
            throw new IllegalArgumentException("tokens have " + s.get(2) + " channels but the probe was fitted on "
                    + dim + " (a different backbone?)");
        }
        if (s.get(0) == 0) {
            throw new IllegalArgumentException("no token sets given (M = 0)");
        }
        return (int) s.get(0);
    }

    private static long[] permutation(int m, SplittableRandom rng) {
        long[] p = new long[m];
        for (int i = 0; i < m; i++) {
            p[i] = i;
        }
        if (rng != null) {
            for (int i = m - 1; i > 0; i--) { // Fisher-Yates
                int j = rng.nextInt(i + 1);
                long tmp = p[i];
                p[i] = p[j];
                p[j] = tmp;
            }
        }
        return p;
    }

    private static boolean isIdentity(long[] perm) {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** A copy in the probe's manager, outside any scope. */
    private NDArray keep(NDArray a) {
        NDArray copy = manager.create(a.toFloatArray(), a.getShape());
        NDScope.unregister(copy);
        return copy;
    }

    private void requireFitted() {
        if (head == null) {
            throw new IllegalStateException("the probe is not fitted yet: call fit(...) first");
        }
    }

    /** Per-channel mean of the training tokens (standardisation), {@code D} values. */
    public float[] channelMean() {
        requireFitted();
        return channelMean.toFloatArray();
    }

    /** Per-channel population standard deviation of the training tokens (at least {@link #MIN_STD}). */
    public float[] channelStd() {
        requireFitted();
        return channelStd.toFloatArray();
    }

    /** The classifier: weight {@code [K, D]}, bias {@code [K]}, on standardised tokens. */
    public Linear head() {
        requireFitted();
        return head;
    }

    /** Mean training loss of every epoch (minibatch losses weighted by images). */
    public float[] epochLosses() {
        requireFitted();
        return epochLosses.clone();
    }

    /** Optimiser steps taken by the last fit. */
    public long steps() {
        return steps;
    }

    public int numClasses() {
        return numClasses;
    }

    public int ignoreIndex() {
        return ignoreIndex;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
            manager = null;
            head = null;
        }
    }

    /**
     * Probe settings. Required: {@link #setNumClasses}. Defaults: 100 epochs, minibatches of 8 token sets, AdamW lr
     * 1e-2 with cosine decay to 0, weight decay 1e-4, seed 0, ignore index 255.
     */
    public static final class Builder {
        private int numClasses;
        private int epochs = 100;
        private int batchSize = 8;
        private double lr = 1e-2;
        private double weightDecay = 1e-4;
        private boolean cosine = true;
        private long seed;
        private int ignoreIndex = PixelCrossEntropy.DEFAULT_IGNORE_INDEX;

        public Builder setNumClasses(int v) { numClasses = v; return this; }
        public Builder optEpochs(int v) { epochs = v; return this; }
        /** Token sets per step; 0 or at least M trains full-batch. */
        public Builder optBatchSize(int v) { batchSize = v; return this; }
        public Builder optLr(double v) { lr = v; return this; }
        public Builder optWeightDecay(double v) { weightDecay = v; return this; }
        /** Cosine decay of the learning rate to 0 over all steps (default), or constant when false. */
        public Builder optCosine(boolean v) { cosine = v; return this; }
        public Builder optSeed(long v) { seed = v; return this; }
        public Builder optIgnoreIndex(int v) { ignoreIndex = v; return this; }

        public LinearProbe build() {
            if (numClasses <= 0) {
                throw new IllegalArgumentException("setNumClasses(K) is required and must be > 0, got " + numClasses);
            }
            if (ignoreIndex >= 0 && ignoreIndex < numClasses) {
                throw new IllegalArgumentException("ignore index " + ignoreIndex + " is one of the " + numClasses
                        + " classes; use a value outside [0, " + numClasses + "), e.g. 255");
            }
            if (epochs <= 0) {
                throw new IllegalArgumentException("epochs must be > 0, got " + epochs);
            }
            if (batchSize < 0) {
                throw new IllegalArgumentException("batch size must be >= 0 (0 = full batch), got " + batchSize);
            }
            if (!(lr > 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
            }
            if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
                throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
            }
            return new LinearProbe(this);
        }
    }
}
