package org.univ.segment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.univ.downstream.DenseFeatures;
import org.univ.downstream.SimplePyramid;
import org.univ.model.Backbone;
import org.univ.model.ConvViTConfig;
import org.univ.model.Module;
import org.univ.model.PositionEmbedding;
import org.univ.model.ViTConfig;

/**
 * The segmentation head on a backbone's dense features (METHOD §7): the ViTDet simple pyramid (strides 4/8/16/32 from
 * the stride-16 map; a ConvViT's stage maps for 4 and 8) as {@code neck}, then UperNet as {@code decode_head}, class
 * scores at stride 4, up-sampled bilinearly to the input size. Parameter names: {@code neck.simfp_*},
 * {@code decode_head.*}. Its parameters live in its own sub-manager of the given one (outside any open NDScope);
 * {@link #close()} frees them.
 */
public final class SegHead extends Module implements AutoCloseable {
    /** Pyramid strides the head consumes. */
    public static final int[] STRIDES = {4, 8, 16, 32};

    private final int numClasses;
    private final int channels;

    /**
     * @param embedDim      D of the backbone's stride-16 map
     * @param stageChannels a ConvViT's stride-4 and stride-8 stage widths, or empty for a ViT
     * @param channels      width of the pyramid levels and of UperNet
     */
    public SegHead(NDManager parent, int embedDim, int[] stageChannels, int numClasses, int channels) {
        super(parent.newSubManager());
        this.numClasses = numClasses;
        this.channels = channels;
        addChild("neck", new SimplePyramid(manager, embedDim, stageChannels, channels, STRIDES));
        addChild("decode_head", new UperNetHead(manager, new int[] {channels, channels, channels, channels}, channels,
                numClasses, UperNetHead.POOL_SCALES));
        // the head owns its parameters: they must not close with a scope the caller happens to have open
        namedParameters().values().forEach(p -> NDScope.unregister(p.array()));
    }

    /** A head matching a backbone's widths. */
    public static SegHead forBackbone(NDManager manager, Backbone backbone, int numClasses, int channels) {
        return new SegHead(manager, embedDim(backbone), stageChannels(backbone), numClasses, channels);
    }

    public static int embedDim(Backbone backbone) {
        if (backbone.config() instanceof ConvViTConfig c) {
            return c.embedDim();
        }
        if (backbone.config() instanceof ViTConfig c) {
            return c.embedDim();
        }
        throw new IllegalArgumentException("no segmentation head for backbone " + backbone.config().arch());
    }

    public static int[] stageChannels(Backbone backbone) {
        if (backbone.config() instanceof ConvViTConfig c) {
            return new int[] {c.embedDims()[0], c.embedDims()[1]};
        }
        return new int[0];
    }

    public int numClasses() {
        return numClasses;
    }

    public int channels() {
        return channels;
    }

    /** Class scores at stride 4: {@code [B, K, ⌈H/4⌉, ⌈W/4⌉]}. */
    public NDArray forward(DenseFeatures features) {
        return child("decode_head", UperNetHead.class).forward(child("neck", SimplePyramid.class).forward(features));
    }

    /** Class scores up-sampled bilinearly ({@code align_corners=False}) to {@code height × width}: {@code [B, K, H, W]}. */
    public NDArray logits(DenseFeatures features, int height, int width) {
        return PositionEmbedding.resizeBilinear(forward(features), height, width);
    }

    @Override
    public void close() {
        manager.close();
    }
}
