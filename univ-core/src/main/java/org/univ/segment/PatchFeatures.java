package org.univ.segment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import org.univ.model.Backbone;
import org.univ.model.BackboneOutput;

/**
 * Patch tokens of a frozen backbone for a whole image set, computed once so that probes train on them fast.
 *
 * @param tokens final patch tokens {@code [M, N, D]} (float32, no gradient), N = gridH·gridW row-major
 * @param gridH  token rows
 * @param gridW  token columns
 */
public record PatchFeatures(NDArray tokens, int gridH, int gridW) {

    /**
     * Runs the backbone (without gradients) on every batch and stacks the patch tokens.
     *
     * @param backbone a frozen backbone
     * @param batches  normalised images {@code [b, 3, H, W]}, all of one size; may be produced lazily
     * @param into     manager of the returned tokens (they also join the caller's NDScope, if one is open)
     */
    public static PatchFeatures extract(Backbone backbone, Iterable<NDArray> batches, NDManager into) {
        NDList parts = new NDList();
        int gridH = -1;
        int gridW = -1;
        boolean done = false;
        try {
            for (NDArray images : batches) {
                try (NDScope scope = new NDScope()) {
                    BackboneOutput out = backbone.forward(images);
                    if (gridH >= 0 && (out.gridH() != gridH || out.gridW() != gridW)) {
                        throw new IllegalArgumentException("image batches differ in size: token grid " + out.gridH()
                                + "x" + out.gridW() + " after " + gridH + "x" + gridW
                                + "; resize or crop every image to one size");
                    }
                    gridH = out.gridH();
                    gridW = out.gridW();
                    NDArray tokens = out.patchTokens().stopGradient().toType(DataType.FLOAT32, true); // [b, N, D]
                    tokens.attach(into);
                    NDScope.unregister(tokens);
                    parts.add(tokens);
                }
            }
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("no image batches given");
            }
            NDArray all;
            if (parts.size() == 1) {
                all = parts.get(0);
                NDScope.register(all);
            } else {
                all = NDArrays.concat(parts, 0);                                                  // [M, N, D]
                parts.close();
            }
            done = true;
            return new PatchFeatures(all, gridH, gridW);
        } finally {
            if (!done) {
                parts.close();
            }
        }
    }

    /** Token sets M. */
    public int size() {
        return (int) tokens.getShape().get(0);
    }
}
