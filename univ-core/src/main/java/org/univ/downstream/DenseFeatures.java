package org.univ.downstream;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.univ.model.BackboneOutput;

/**
 * A backbone's output as image-shaped maps, what dense heads (detection, segmentation) consume.
 *
 * @param map       last-layer patch tokens as a map {@code [B, D, gridH, gridW]} (stride = patch, 16)
 * @param stageMaps earlier, finer maps {@code [B, C, h, w]} finest first (ConvViT: stride 4 and 8); empty for a ViT
 */
public record DenseFeatures(NDArray map, List<NDArray> stageMaps) {

    /** Reshapes {@code patchTokens [B, N, D]} (row-major grid) into {@code [B, D, gridH, gridW]}. */
    public static DenseFeatures of(BackboneOutput out) {
        return new DenseFeatures(tokensToMap(out.patchTokens(), out.gridH(), out.gridW()), out.stageMaps());
    }

    public static NDArray tokensToMap(NDArray patchTokens, int gridH, int gridW) {
        long b = patchTokens.getShape().get(0);
        long d = patchTokens.getShape().get(2);
        return patchTokens.transpose(0, 2, 1).reshape(b, d, gridH, gridW);                 // [B, D, h, w]
    }

    public int channels() {
        return (int) map.getShape().get(1);
    }
}
