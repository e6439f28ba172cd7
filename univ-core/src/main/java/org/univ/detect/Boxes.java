package org.univ.detect;

import ai.djl.ndarray.NDArray;
import org.univ.util.Scopes;
import org.univ.util.Tensors;

/**
 * Box geometry on NDArrays, boxes as corners {@code [x1, y1, x2, y2]} in the last axis (torchvision's convention).
 * Pairwise functions compare every box of one set with every box of another ({@code box_iou},
 * {@code generalized_box_iou}); "paired" ones compare box i with box i, broadcasting over the leading axes, as a box
 * loss needs. All of them are differentiable and safe under autograd (constants via {@link Tensors}); temporaries
 * are closed, the result is in the first argument's manager.
 */
public final class Boxes {
    /** torchvision's {@code generalized_box_iou_loss} epsilon, keeping degenerate boxes finite. */
    public static final double GIOU_EPS = 1e-7;

    private Boxes() {}

    /** Areas {@code (x2 − x1)·(y2 − y1)}: [..., 4] → [...]. */
    public static NDArray area(NDArray boxes) {
        return Scopes.keep(() -> boxes.get("..., 2").sub(boxes.get("..., 0"))
                .mul(boxes.get("..., 3").sub(boxes.get("..., 1"))));
    }

    /**
     * Pairwise IoU, intersection / union without epsilon (so that exact ratios stay exact; two empty boxes give
     * 0/0 = NaN, as torchvision's {@code box_iou}): [N, 4] × [M, 4] → [N, M].
     */
    public static NDArray iou(NDArray a, NDArray b) {
        checkPairwise(a, b);
        return Scopes.keep(() -> pairedIou(a.expandDims(1), b.expandDims(0)));
    }

    /** IoU of box i of {@code a} with box i of {@code b}: [..., 4] × [..., 4] (broadcast) → [...]. */
    public static NDArray pairedIou(NDArray a, NDArray b) {
        return Scopes.keep(() -> {
            NDArray inter = intersection(a, b);
            return inter.div(area(a).add(area(b)).sub(inter));
        });
    }

    /** Pairwise generalized IoU: [N, 4] × [M, 4] → [N, M], in [−1, 1]. */
    public static NDArray giou(NDArray a, NDArray b) {
        checkPairwise(a, b);
        return Scopes.keep(() -> pairedGiou(a.expandDims(1), b.expandDims(0)));
    }

    /**
     * Generalized IoU (Rezatofighi et al. 2019) of box i with box i, as torchvision's
     * {@code generalized_box_iou_loss} computes it: IoU − (C − U) / C with C the smallest enclosing box's area and
     * U the union, both denominators + {@link #GIOU_EPS}: [..., 4] × [..., 4] (broadcast) → [...]. The box loss
     * is {@code 1 − giou}. Boxes must be well-formed (x2 ≥ x1, y2 ≥ y1); the gradient is not defined otherwise.
     */
    public static NDArray pairedGiou(NDArray a, NDArray b) {
        return Scopes.keep(() -> {
            NDArray inter = intersection(a, b);
            NDArray union = area(a).add(area(b)).sub(inter);
            NDArray iou = inter.div(union.add(Tensors.scalar(union, GIOU_EPS)));
            NDArray encW = a.get("..., 2").maximum(b.get("..., 2")).sub(a.get("..., 0").minimum(b.get("..., 0")));
            NDArray encH = a.get("..., 3").maximum(b.get("..., 3")).sub(a.get("..., 1").minimum(b.get("..., 1")));
            NDArray enclosing = encW.mul(encH);
            return iou.sub(enclosing.sub(union).div(enclosing.add(Tensors.scalar(enclosing, GIOU_EPS))));
        });
    }

    /** Overlap area of box i with box i: [..., 4] × [..., 4] → [...]. */
    private static NDArray intersection(NDArray a, NDArray b) {
        NDArray w = Tensors.maximum(a.get("..., 2").minimum(b.get("..., 2")).sub(a.get("..., 0").maximum(b.get("..., 0"))), 0);
        NDArray h = Tensors.maximum(a.get("..., 3").minimum(b.get("..., 3")).sub(a.get("..., 1").maximum(b.get("..., 1"))), 0);
        return w.mul(h);
    }

    private static void checkPairwise(NDArray a, NDArray b) {
        if (a.getShape().dimension() != 2 || a.getShape().get(1) != 4 || b.getShape().dimension() != 2
                || b.getShape().get(1) != 4) {
            throw new IllegalArgumentException("expected boxes [N, 4] and [M, 4] as x1, y1, x2, y2, got "
                    + a.getShape() + " and " + b.getShape());
        }
    }
}
