package org.univ.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What one backbone forward returns.
 *
 * @param patchTokens   final-norm patch tokens without any CLS token, {@code [B, N, D]}, N = gridH·gridW row-major
 * @param lastAttention last block's softmax attention of every head, {@code [B, H, P+N, P+N]} (prefix tokens first)
 * @param logits        classifier output {@code [B, classes]}, or null when the model has no head
 * @param prefixTokens  P: 1 when a CLS token leads the sequence (ViT), 0 otherwise (ConvViT)
 * @param gridH         token rows
 * @param gridW         token columns
 * @param stageMaps     intermediate feature maps {@code [B, C, h, w]} for pyramids (empty for a plain ViT)
 * @param blockTokens   patch tokens {@code [B, N, D]} of the residual stream after each block asked for in
 *                      {@link Backbone#forward(NDArray, int[])}, in that order (before the final norm, no prefix)
 */
public record BackboneOutput(NDArray patchTokens, NDArray lastAttention, NDArray logits, int prefixTokens,
                             int gridH, int gridW, List<NDArray> stageMaps, List<NDArray> blockTokens) {
    public BackboneOutput(NDArray patchTokens, NDArray lastAttention, NDArray logits, int prefixTokens,
                          int gridH, int gridW, List<NDArray> stageMaps) {
        this(patchTokens, lastAttention, logits, prefixTokens, gridH, gridW, stageMaps, List.of());
    }
}
