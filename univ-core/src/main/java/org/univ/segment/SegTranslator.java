package org.univ.segment;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.output.CategoryMask;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import org.univ.data.Images;
import org.univ.data.Images.Planes;
import org.univ.downstream.Modality;

/**
 * {@code Image → CategoryMask} for a {@link UnivSegmentation}: the image is read as training reads files (RGB planes,
 * or IR grey by luma replicated to 3 channels), resized and normalised by {@link UnivSegmentation#prepare}; the
 * model's scores come back at the image's own size as class ids {@code mask[y][x]} with the head's class names.
 */
final class SegTranslator implements NoBatchifyTranslator<Image, CategoryMask> {
    private static final String SIZE = "univ.size";
    private final UnivSegmentation model;

    SegTranslator(UnivSegmentation model) {
        this.model = model;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Image input) {
        Planes planes = planes(input, model.info().modality());
        ctx.setAttachment(SIZE, new int[] {planes.height(), planes.width()});
        return new NDList(model.prepare(ctx.getNDManager(), planes));
    }

    @Override
    public CategoryMask processOutput(TranslatorContext ctx, NDList list) {
        int[] size = (int[]) ctx.getAttachment(SIZE);
        int[] classes = UnivSegmentation.classes(list.singletonOrThrow(), size[0], size[1]);
        int[][] mask = new int[size[0]][size[1]];
        for (int y = 0; y < size[0]; y++) {
            System.arraycopy(classes, y * size[1], mask[y], 0, size[1]);
        }
        return new CategoryMask(model.classes().names(), mask);
    }

    /** DJL's image as 3 planes in [0, 1], by the same rules as image files. */
    static Planes planes(Image input, Modality modality) {
        return SegDataset.planes(Images.bufferedImage(input), modality, "input image");
    }
}
