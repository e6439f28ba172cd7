package org.univ.segment;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.output.CategoryMask;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import java.nio.file.Path;
import org.univ.data.Images;
import org.univ.data.Images.Planes;
import org.univ.downstream.DenseFeatures;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.model.PositionEmbedding;
import org.univ.util.Tensors;

/**
 * A backbone with a trained segmentation head, ready for inference: an image (any size) is resized to the head's
 * size, normalised for its modality, scored whole or by sliding windows ({@link SlidingWindow}, the default when the
 * head was trained on crops smaller than its size), the scores are resized bilinearly back to the image's size and
 * the argmax is the class map. {@link #newPredictor()} gives the same as a DJL {@code Predictor<Image, CategoryMask>}:
 * <pre>{@code
 * try (UnivSegmentation seg = UnivSegmentation.load(Path.of("student.safetensors"), Path.of("seg-head.safetensors"));
 *      Predictor<Image, CategoryMask> predictor = seg.newPredictor()) {
 *     CategoryMask mask = predictor.predict(ImageFactory.getInstance().fromFile(Path.of("ir/00001D.png")));
 * }
 * }</pre>
 */
public final class UnivSegmentation implements AutoCloseable {
    private final NDManager manager;
    private final boolean owned;
    private final Backbone backbone;
    private final SegHead head;
    private final SegHeadInfo info;
    private SlidingWindow window;
    private Model djlModel;

    private UnivSegmentation(NDManager manager, boolean owned, Backbone backbone, SegHead head, SegHeadInfo info) {
        this.manager = manager;
        this.owned = owned;
        this.backbone = backbone;
        this.head = head;
        this.info = info;
        int patch = backbone.config().patch();
        this.window = info.cropHeight() < info.height() || info.cropWidth() < info.width()
                ? SlidingWindow.forCrop(info.cropHeight(), info.cropWidth(), patch) : null;
        backbone.module().setTraining(false);
        head.setTraining(false);
    }

    /** Loads a backbone checkpoint and a head written by {@code univ seg train} (or {@link SegCheckpoint#save}). */
    public static UnivSegmentation load(Path backboneFile, Path headFile) {
        NDManager m = NDManager.newBaseManager();
        try {
            Backbone backbone = Backbones.load(backboneFile, m, true);
            SegCheckpoint.Loaded loaded = SegCheckpoint.load(headFile, backbone, m);
            return new UnivSegmentation(m, true, backbone, loaded.head(), loaded.info());
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Wraps a backbone and head that the caller keeps owning (closing this closes neither). */
    public static UnivSegmentation of(Backbone backbone, SegHead head, SegHeadInfo info) {
        return new UnivSegmentation(head.getManager(), false, backbone, head, info);
    }

    /** Scores by sliding windows of this size and stride (at the head's size), or whole images when null. */
    public UnivSegmentation setSlidingWindow(SlidingWindow w) {
        if (w != null && (w.cropHeight() % backbone.config().patch() != 0 || w.cropWidth() % backbone.config().patch() != 0)) {
            throw new IllegalArgumentException("sliding-window crop " + w.cropWidth() + "x" + w.cropHeight()
                    + " must be a multiple of the patch " + backbone.config().patch());
        }
        this.window = w;
        return this;
    }

    public SlidingWindow slidingWindow() {
        return window;
    }

    public SegHeadInfo info() {
        return info;
    }

    public SegClasses classes() {
        return info.classes();
    }

    public Backbone backbone() {
        return backbone;
    }

    public SegHead head() {
        return head;
    }

    /** The image (3 planes in [0, 1]) resized to the head's size and normalised: {@code [1, 3, H, W]} of {@code into}. */
    public NDArray prepare(NDManager into, Planes image) {
        Planes resized = Images.resize(image, info.height(), info.width());
        float[] rgbMean = backbone.config().mean();
        float[] rgbStd = backbone.config().std();
        return Tensors.fromFloats(into, Images.normalize(resized, info.modality().mean(rgbMean),
                info.modality().std(rgbStd)), new Shape(1, 3, info.height(), info.width()));
    }

    /** Class scores {@code [B, K, H, W]} of normalised images at the head's size: whole, or by sliding windows. */
    public NDArray scores(NDArray images) {
        if (window == null) {
            return networkScores(images);
        }
        if (images.getShape().get(0) != 1) {
            throw new IllegalArgumentException("sliding-window inference scores one image at a time, got "
                    + images.getShape());
        }
        return window.apply(images, this::networkScores);
    }

    /** One forward pass: {@code [B, 3, H, W]} → {@code [B, K, H, W]}. */
    public NDArray networkScores(NDArray images) {
        Shape s = images.getShape();
        return head.logits(DenseFeatures.of(backbone.forward(images)), (int) s.get(2), (int) s.get(3));
    }

    /** Class ids at {@code height × width} (row-major) from scores {@code [1, K, h, w]}: bilinear resize, then argmax. */
    public static int[] classes(NDArray scores, int height, int width) {
        return PositionEmbedding.resizeBilinear(scores, height, width).argMax(1).toType(DataType.INT32, false).toIntArray();
    }

    /** The class map of one image at the image's own size, row-major. */
    public int[] predict(Planes image) {
        try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
            return classes(scores(prepare(m, image)), image.height(), image.width());
        }
    }

    /**
     * A DJL predictor for this model (backbone + head, no batching: one image per call). The predictor shares this
     * object's weights: close it before closing this.
     */
    public synchronized Predictor<Image, CategoryMask> newPredictor() {
        if (djlModel == null) {
            djlModel = Model.newInstance("univ-segmentation");
            djlModel.setBlock(new LambdaBlock(list -> new NDList(scores(list.singletonOrThrow())), "univ-segmentation"));
        }
        return djlModel.newPredictor(new SegTranslator(this));
    }

    @Override
    public synchronized void close() {
        if (djlModel != null) {
            djlModel.close();
            djlModel = null;
        }
        if (owned) {
            backbone.close();
            manager.close();
        }
    }
}
