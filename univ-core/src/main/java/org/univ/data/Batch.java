package org.univ.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * One batch of normalised pairs as plain float buffers (built on loader threads, which never touch NDArrays);
 * the trainer turns it into NDArrays with {@link #rgb(NDManager)} / {@link #ir(NDManager)} on its own thread.
 *
 * @param rgb {@code [B, 3, height, width]} row-major
 * @param ir {@code [B, 3, height, width]} row-major, 3 identical channels before normalisation
 * @param pairs the B pairs, in slot order
 * @param skipped bad pairs passed over while filling this batch ({@code skipBad})
 */
public record Batch(long epoch, int index, int height, int width, float[] rgb, float[] ir, List<Pair> pairs,
                    List<BadPair> skipped) {
    public int size() {
        return pairs.size();
    }

    /** Where this batch sits in the stream. */
    public PairLoader.Position position() {
        return new PairLoader.Position(epoch, index);
    }

    public Shape shape() {
        return new Shape(size(), 3, height, width);
    }

    /** RGB images in {@code manager}: {@code [B, 3, H, W]}. */
    public NDArray rgb(NDManager manager) {
        return org.univ.util.Tensors.fromFloats(manager, rgb, shape());
    }

    /** IR images in {@code manager}: {@code [B, 3, H, W]}. */
    public NDArray ir(NDManager manager) {
        return org.univ.util.Tensors.fromFloats(manager, ir, shape());
    }

    /** {@code [rgb, ir]} in {@code manager}. */
    public NDList toNDList(NDManager manager) {
        return new NDList(rgb(manager), ir(manager));
    }
}
