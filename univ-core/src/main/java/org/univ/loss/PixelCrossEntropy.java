package org.univ.loss;

import org.univ.util.Tensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.univ.util.Scopes;

/**
 * Per-pixel softmax cross-entropy for semantic segmentation, as {@code F.cross_entropy(logits, truth,
 * ignore_index=255)} with mean reduction: {@code −Σ log softmax(z_p)[y_p] / #labelled}, over pixels p whose
 * class is not the ignore index. Ignored pixels contribute nothing, neither to the sum nor to the count, so
 * their logits get exactly zero gradient. A batch without any labelled pixel has loss 0 (PyTorch gives NaN),
 * so that such a batch leaves a model unchanged instead of poisoning it.
 */
public final class PixelCrossEntropy {
    /** The usual "no label" value of segmentation masks. */
    public static final int DEFAULT_IGNORE_INDEX = 255;

    private PixelCrossEntropy() {}

    /**
     * The loss.
     *
     * @param logits      class scores {@code [B, K, H, W]}
     * @param truth       classes {@code [B, H, W]}, any integer type, values in {@code [0, K)} or the ignore index
     * @param ignoreIndex the class value of unlabelled pixels
     * @return scalar loss attached to the logits' manager; temporaries close at once
     */
    public static NDArray loss(NDArray logits, NDArray truth, int ignoreIndex) {
        Shape ls = logits.getShape();
        Shape ts = truth.getShape();
        if (ls.dimension() != 4 || ts.dimension() != 3 || ls.get(0) != ts.get(0) || ls.get(2) != ts.get(1)
                || ls.get(3) != ts.get(2)) {
            throw new IllegalArgumentException("expected logits [B, K, H, W] and truth [B, H, W] of the same B, H, W;"
                    + " got " + ls + " and " + ts);
        }
        long k = ls.get(1);
        return Scopes.keep(() -> {
            NDArray classes = truth.toType(DataType.INT64, false);
            NDArray labelled = classes.neq(ignoreIndex);                                   // [B, H, W] bool
            NDArray outOfRange = classes.lt(0).logicalOr(classes.gte(k)).logicalAnd(labelled);
            if (outOfRange.any().getBoolean()) {
                throw new IllegalArgumentException("truth holds classes outside [0, " + k + ") that are not the ignore"
                        + " index " + ignoreIndex + " (e.g. " + classes.get(outOfRange).get(0).getLong()
                        + "); remap the mask values or set the number of classes / ignore index");
            }
            NDArray weight = labelled.toType(logits.getDataType(), false);                // [B, H, W]
            NDArray safeClasses = classes.mul(labelled.toType(DataType.INT64, false));     // ignore → class 0
            NDArray logProbs = logits.logSoftmax(1);                                       // [B, K, H, W]
            NDArray picked = logProbs.gather(safeClasses.expandDims(1), 1).squeeze(1);     // [B, H, W]
            NDArray count = Tensors.maximum(weight.sum(), 1);
            return picked.mul(weight).sum().neg().div(count);
        });
    }
}
