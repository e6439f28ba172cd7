package org.univ.detect;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.output.BoundingBox;
import ai.djl.modality.cv.output.DetectedObjects;
import ai.djl.modality.cv.output.Rectangle;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;
import org.univ.data.Images.Planes;
import org.univ.util.Tensors;

/**
 * DJL translator {@code Image → DetectedObjects} for a {@link DetectionModel}: the image is decoded as the model's
 * modality (IR: grey by luma), resized to the model's input size and normalised; the {@link #block()} runs backbone
 * and head; the output is decoded (peaks, top-k, class-wise NMS) and the boxes given, as DJL does, relative to the
 * image ({@code x/width}, {@code y/height}).
 */
public final class DetectionTranslator implements NoBatchifyTranslator<Image, DetectedObjects> {
    private final DetectionModel model;

    public DetectionTranslator(DetectionModel model) {
        this.model = model;
    }

    /** The model's forward as a DJL block: normalised {@code [1, 3, H, W]} → heatmap logits, offset, log-size. */
    public Block block() {
        return new LambdaBlock(inputs -> {
            CenterNetHead.HeadOutput out = model.headOutput(inputs.singletonOrThrow());
            return new NDList(out.heatmapLogits(), out.offset(), out.logSize());
        }, "univ-detector");
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Image input) {
        Planes planes = model.images().decode(input);
        int w = model.config().width();
        int h = model.config().height();
        return new NDList(Tensors.fromFloats(ctx.getNDManager(), model.images().prepare(planes, w, h),
                new Shape(1, 3, h, w)));
    }

    @Override
    public DetectedObjects processOutput(TranslatorContext ctx, NDList list) {
        List<Detection> found = model.decode(new CenterNetHead.HeadOutput(list.get(0), list.get(1), list.get(2))).get(0);
        double sx = 1.0 / model.config().width();
        double sy = 1.0 / model.config().height();
        List<String> names = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<BoundingBox> boxes = new ArrayList<>();
        for (Detection d : found) {
            Detection r = d.scaled(sx, sy); // relative coordinates: the same in the input and the original image
            names.add(model.classNames().get(d.classIndex()));
            scores.add(d.score());
            boxes.add(new Rectangle(r.x1(), r.y1(), r.width(), r.height()));
        }
        return new DetectedObjects(names, scores, boxes);
    }
}
