package org.univ.segment;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.output.CategoryMask;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.awt.image.BufferedImage;
import org.univ.data.Images.Planes;

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
        Planes planes = planes(ctx, input, model.info().modality());
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
    static Planes planes(TranslatorContext ctx, Image input, Modality modality) {
        if (input.getWrappedImage() instanceof BufferedImage img) {
            return SegDataset.planes(img, modality, "input image");
        }
        // other image factories: 8-bit HWC RGB
        NDArray hwc = input.toNDArray(ctx.getNDManager(), Image.Flag.COLOR);
        int h = (int) hwc.getShape().get(0);
        int w = (int) hwc.getShape().get(1);
        float[] rgb = hwc.transpose(2, 0, 1).toType(DataType.FLOAT32, false).toFloatArray();
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] /= 255f;
        }
        if (modality == Modality.IR) {
            int plane = h * w;
            float[] grey = new float[plane];
            for (int i = 0; i < plane; i++) {
                grey[i] = (float) ((299.0 * rgb[i] + 587.0 * rgb[plane + i] + 114.0 * rgb[2 * plane + i]) / 1000.0);
            }
            return SegDataset.grey3(new Planes(grey, 1, h, w));
        }
        return new Planes(rgb, 3, h, w);
    }
}
