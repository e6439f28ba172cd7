package org.univ.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import org.univ.util.Tensors;

/**
 * CenterNet's training loss on dense targets ({@link CenterNetTargets#toNDList}), all terms autograd-safe
 * (constants via {@link Tensors}):
 * <ul>
 *   <li>penalty-reduced focal loss (CornerNet): with p = sigmoid(logit) clamped to [1e-4, 1 − 1e-4] and y the
 *       Gaussian target, {@code −[Σ_{y=1} (1−p)^α log p + Σ_{y<1} (1−y)^β p^α log(1−p)] / max(1, #{y = 1})};</li>
 *   <li>L1 on the centre offset and on the log-size at the peak cells, each averaged over the 2·(peak cells)
 *       values (CenterNet's {@code RegL1Loss});</li>
 *   <li>GIoU: at the peak cells the predicted box (centre (p + offset)·stride, size exp(log-size)·stride) against
 *       the true box, {@code mean(1 − GIoU)} ({@link Boxes#pairedGiou}); log-sizes are clamped to ±{@link #MAX_LOG_SIZE}
 *       before exp so that empty cells cannot overflow.</li>
 * </ul>
 * {@code total = w_hm·focal + w_off·offset + w_size·size + w_giou·giou}.
 */
public final class CenterNetLoss {
    /** CenterNet clamps the sigmoid to [1e-4, 1 − 1e-4] so log p and log(1 − p) stay finite. */
    public static final double CLAMP = 1e-4;
    /** exp(±10) covers boxes from 1/20000 to 20000 cells. */
    public static final double MAX_LOG_SIZE = 10;

    private final DetectionConfig config;

    public CenterNetLoss(DetectionConfig config) {
        this.config = config;
    }

    /** The terms of one batch; all are 0-d arrays in the predictions' manager. */
    public record Terms(NDArray total, NDArray focal, NDArray offset, NDArray size, NDArray giou) {}

    /**
     * @param out     head maps of the batch
     * @param targets heatmap, offset, logSize, boxes, mask from {@link CenterNetTargets#toNDList}
     */
    public Terms compute(CenterNetHead.HeadOutput out, NDList targets, int stride) {
        NDArray heat = targets.get(0);
        NDArray mask = targets.get(4);                                                   // [B, 1, h, w]
        NDArray focal = focal(out.heatmapLogits(), heat, config.focalAlpha(), config.focalBeta());
        NDArray values = Tensors.maximum(mask.sum().mul(Tensors.scalar(mask, 2)), 1e-4); // 2 · peak cells
        NDArray offset = out.offset().sub(targets.get(1)).abs().mul(mask).sum().div(values);
        NDArray size = out.logSize().sub(targets.get(2)).abs().mul(mask).sum().div(values);
        NDArray total = Tensors.mul(focal, config.heatmapWeight())
                .add(Tensors.mul(offset, config.offsetWeight()))
                .add(Tensors.mul(size, config.sizeWeight()));
        NDArray giou = config.giouWeight() > 0 ? giou(out, targets.get(3), mask, stride)
                : out.offset().getManager().zeros(new ai.djl.ndarray.types.Shape());
        if (config.giouWeight() > 0) {
            total = total.add(Tensors.mul(giou, config.giouWeight()));
        }
        return new Terms(total, focal, offset, size, giou);
    }

    /** The penalty-reduced focal loss of heatmap logits {@code [B, K, h, w]} against Gaussian targets. */
    public static NDArray focal(NDArray logits, NDArray target, double alpha, double beta) {
        NDArray p = Activation.sigmoid(logits);
        p = Tensors.maximum(p, CLAMP).minimum(Tensors.scalar(p, 1 - CLAMP));
        NDArray one = Tensors.scalar(p, 1);
        NDArray positive = target.eq(one).toType(p.getDataType(), false);            // y = 1
        NDArray negative = one.sub(positive);
        NDArray oneMinusP = one.sub(p);
        NDArray posTerm = p.log().mul(power(oneMinusP, alpha)).mul(positive);
        NDArray negWeight = power(one.sub(target), beta);
        NDArray negTerm = oneMinusP.log().mul(power(p, alpha)).mul(negWeight).mul(negative);
        NDArray count = Tensors.maximum(positive.sum(), 1);
        return posTerm.sum().add(negTerm.sum()).neg().div(count);
    }

    /** {@code x^e} with a libtorch-owned exponent (squares directly, the common α = 2). */
    private static NDArray power(NDArray x, double e) {
        if (e == 2) {
            return x.square();
        }
        return x.pow(Tensors.scalar(x, e));
    }

    /** {@code mean(1 − GIoU)} over the peak cells. */
    private static NDArray giou(CenterNetHead.HeadOutput out, NDArray trueBoxes, NDArray mask, int stride) {
        NDArray predicted = decodeBoxes(out.offset(), out.logSize(), stride);                 // [B, 4, h, w]
        NDArray g = Boxes.pairedGiou(predicted.transpose(0, 2, 3, 1), trueBoxes.transpose(0, 2, 3, 1)); // [B, h, w]
        NDArray m = mask.squeeze(1);                                                           // [B, h, w]
        NDArray loss = Tensors.scalar(g, 1).sub(g).mul(m).sum();
        return loss.div(Tensors.maximum(m.sum(), 1e-4));
    }

    /**
     * Boxes predicted at every cell, corners in input pixels {@code [B, 4, h, w]}: centre (cell + offset)·stride,
     * size exp(clamped log-size)·stride.
     */
    public static NDArray decodeBoxes(NDArray offset, NDArray logSize, int stride) {
        long h = offset.getShape().get(2);
        long w = offset.getShape().get(3);
        NDArray xs = offset.getManager().arange(0f, (float) w).reshape(1, 1, w).broadcast(1, h, w);
        NDArray ys = offset.getManager().arange(0f, (float) h).reshape(1, h, 1).broadcast(1, h, w);
        NDArray grid = xs.concat(ys, 0).expandDims(0);                                         // [1, 2, h, w]
        NDArray centre = Tensors.mul(offset.add(grid), stride);                                // [B, 2, h, w]
        NDArray clamped = Tensors.maximum(logSize, -MAX_LOG_SIZE).minimum(Tensors.scalar(logSize, MAX_LOG_SIZE));
        NDArray half = Tensors.mul(clamped.exp(), stride / 2.0);                              // [B, 2, h, w]
        return centre.sub(half).concat(centre.add(half), 1);                                  // x1, y1, x2, y2
    }
}
