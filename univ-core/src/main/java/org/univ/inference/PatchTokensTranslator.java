package org.univ.inference;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import org.univ.detect.DetectionImages;
import org.univ.model.Backbone;
import org.univ.util.Tensors;

/**
 * DJL translator {@code Image → NDList}: the backbone's final-norm patch tokens {@code [N, D]} (N = rows·columns of
 * the token grid, row-major) of the image resized to a fixed input size, normalised for its modality. The returned
 * list is detached from the predictor: close it when done.
 */
public final class PatchTokensTranslator implements NoBatchifyTranslator<Image, NDList> {
    private final Backbone backbone;
    private final DetectionImages images;
    private final int width;
    private final int height;

    public PatchTokensTranslator(Backbone backbone, DetectionImages images, int width, int height) {
        if (width % backbone.config().patch() != 0 || height % backbone.config().patch() != 0) {
            throw new IllegalArgumentException("input " + width + "x" + height + " must be multiples of the patch "
                    + backbone.config().patch());
        }
        this.backbone = backbone;
        this.images = images;
        this.width = width;
        this.height = height;
    }

    /** Normalised {@code [1, 3, H, W]} → patch tokens {@code [1, N, D]}. */
    public Block block() {
        return new LambdaBlock(inputs -> new NDList(backbone.forward(inputs.singletonOrThrow()).patchTokens()),
                "univ-patch-tokens");
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Image input) {
        return new NDList(Tensors.fromFloats(ctx.getNDManager(), images.prepare(images.decode(input), width, height),
                new Shape(1, 3, height, width)));
    }

    @Override
    public NDList processOutput(TranslatorContext ctx, NDList list) {
        NDList out = new NDList(list.singletonOrThrow().squeeze(0).duplicate());               // [N, D]
        out.get(0).setName("patch_tokens");
        out.detach();
        return out;
    }
}
