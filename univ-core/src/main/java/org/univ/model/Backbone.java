package org.univ.model;

import ai.djl.ndarray.NDArray;

/**
 * The one contract every UNIV backbone meets, so that pre-training, evaluation and export never
 * care which architecture they hold. Implementations are {@link Module} trees with timm/ConvMAE names.
 *
 * <p>Forward temporaries are created in the caller's scope: wrap calls in an {@code NDScope} (or use
 * inputs from a closing sub-manager) and unregister what you keep.
 */
public interface Backbone extends AutoCloseable {
    ModelConfig config();

    /** Root of the parameter tree (for loading, LoRA, export). */
    Module module();

    /** images {@code [B, 3, H, W]} normalised, H and W multiples of {@link ModelConfig#patch()}. */
    default BackboneOutput forward(NDArray images) {
        return forward(images, new int[0]);
    }

    /**
     * As {@link #forward(NDArray)}, also returning the patch tokens after the transformer blocks {@code blocks}
     * (0-based indices into the last stage's blocks) in {@link BackboneOutput#blockTokens()}.
     */
    BackboneOutput forward(NDArray images, int[] blocks);

    /**
     * Checkpoint tensors this architecture knowingly does not use (e.g. ConvMAE's MAE decoder): loading
     * skips them, strict or not, and reports them as ignored. None by default.
     */
    default boolean ignoresCheckpointTensor(String name) {
        return false;
    }

    @Override
    void close();

    /** Checks an input batch and returns its token grid {rows, cols}. */
    static int[] checkInput(NDArray images, int patch) {
        ai.djl.ndarray.types.Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != 3) {
            throw new IllegalArgumentException("expected images [B, 3, H, W], got " + s);
        }
        if (s.get(2) % patch != 0 || s.get(3) % patch != 0 || s.get(2) == 0 || s.get(3) == 0) {
            throw new IllegalArgumentException("image sides " + s.get(2) + "x" + s.get(3)
                    + " must be positive multiples of " + patch + " (resize or crop the input)");
        }
        return new int[] {(int) (s.get(2) / patch), (int) (s.get(3) / patch)};
    }
}
