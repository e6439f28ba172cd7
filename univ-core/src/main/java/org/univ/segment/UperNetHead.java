package org.univ.segment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.univ.model.Conv2d;
import org.univ.model.Module;
import org.univ.model.PositionEmbedding;

/**
 * mmseg's {@code UPerHead} (Xiao et al. 2018): a pyramid pooling module on the coarsest level (adaptive average pools
 * of {@code poolScales}, each a 1×1 {@link ConvModule} up-sampled back, concatenated with the level and fused by a 3×3
 * {@code bottleneck}), then an FPN: 1×1 {@code lateral_convs} on the finer levels, top-down sums with bilinear
 * up-sampling, 3×3 {@code fpn_convs}, every level up-sampled to the finest one, concatenated and fused by the 3×3
 * {@code fpn_bottleneck}; {@code conv_seg} (1×1 with bias) gives class scores at the finest level's stride.
 * Resizing is bilinear with {@code align_corners=False} as in mmseg. No dropout before {@code conv_seg}
 * (mmseg's 0.1): the short CPU schedules here do not overfit through the head's last layer.
 */
public final class UperNetHead extends Module {
    /** mmseg's default PPM scales. */
    public static final int[] POOL_SCALES = {1, 2, 3, 6};

    private final int levels;
    private final int[] poolScales;

    /**
     * @param inChannels channels of each input level, finest first
     * @param channels   width of every internal map
     * @param numClasses K
     */
    public UperNetHead(NDManager manager, int[] inChannels, int channels, int numClasses, int... poolScales) {
        super(manager);
        if (inChannels.length < 1 || channels <= 0 || numClasses <= 0 || poolScales.length == 0) {
            throw new IllegalArgumentException("UperNet needs at least one level, channels > 0, classes > 0 and pool"
                    + " scales; got levels " + inChannels.length + ", channels " + channels + ", classes " + numClasses);
        }
        this.levels = inChannels.length;
        this.poolScales = poolScales.clone();
        int last = inChannels[levels - 1];
        for (int i = 0; i < poolScales.length; i++) {
            addChild("psp_modules." + i, new ConvModule(manager, last, channels, 1));
        }
        addChild("bottleneck", new ConvModule(manager, last + poolScales.length * channels, channels, 3));
        for (int i = 0; i < levels - 1; i++) {
            addChild("lateral_convs." + i, new ConvModule(manager, inChannels[i], channels, 1));
        }
        for (int i = 0; i < levels - 1; i++) {
            addChild("fpn_convs." + i, new ConvModule(manager, channels, channels, 3));
        }
        addChild("fpn_bottleneck", new ConvModule(manager, levels * channels, channels, 3));
        addChild("conv_seg", new Conv2d(manager, channels, numClasses, 1, 1, 0, 1, true));
    }

    /** Levels {@code [B, C_i, h_i, w_i]}, finest first → class scores {@code [B, K, h_0, w_0]}. */
    public NDArray forward(List<NDArray> inputs) {
        if (inputs.size() != levels) {
            throw new IllegalArgumentException("UperNet was built for " + levels + " levels, got " + inputs.size());
        }
        List<NDArray> laterals = new ArrayList<>(levels);
        for (int i = 0; i < levels - 1; i++) {
            laterals.add(child("lateral_convs." + i, ConvModule.class).forward(inputs.get(i)));
        }
        laterals.add(pyramidPooling(inputs.get(levels - 1)));
        for (int i = levels - 1; i > 0; i--) { // top-down
            NDArray finer = laterals.get(i - 1);
            laterals.set(i - 1, finer.add(resizeLike(laterals.get(i), finer)));
        }
        NDList outs = new NDList(levels);
        for (int i = 0; i < levels - 1; i++) {
            outs.add(child("fpn_convs." + i, ConvModule.class).forward(laterals.get(i)));
        }
        outs.add(laterals.get(levels - 1));
        NDArray finest = outs.get(0);
        for (int i = 1; i < levels; i++) {
            outs.set(i, resizeLike(outs.get(i), finest));
        }
        NDArray fused = child("fpn_bottleneck", ConvModule.class).forward(NDArrays.concat(outs, 1)); // [B, C, h0, w0]
        return child("conv_seg", Conv2d.class).forward(fused);                                      // [B, K, h0, w0]
    }

    /** PPM + bottleneck on the coarsest level {@code [B, C, h, w]} → {@code [B, channels, h, w]}. */
    private NDArray pyramidPooling(NDArray x) {
        Shape s = x.getShape();
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        NDManager m = x.getManager();
        NDList parts = new NDList(x);
        for (int i = 0; i < poolScales.length; i++) {
            int scale = poolScales[i];
            NDArray pooled = PositionEmbedding.separable(x, PositionEmbedding.matrix(m, adaptiveAvgMatrix(h, scale)),
                    PositionEmbedding.matrix(m, adaptiveAvgMatrix(w, scale)));                  // [B, C, s, s]
            NDArray projected = child("psp_modules." + i, ConvModule.class).forward(pooled);
            parts.add(PositionEmbedding.resizeBilinear(projected, h, w));
        }
        return child("bottleneck", ConvModule.class).forward(NDArrays.concat(parts, 1));
    }

    private static NDArray resizeLike(NDArray x, NDArray like) {
        Shape s = like.getShape();
        return PositionEmbedding.resizeBilinear(x, (int) s.get(2), (int) s.get(3));
    }

    /**
     * The {@code [out, in]} matrix of {@code adaptive_avg_pool} along one axis: bin o averages inputs
     * {@code ⌊o·in/out⌋ … ⌈(o+1)·in/out⌉ − 1} (PyTorch's bins; they overlap or repeat when out does not divide in).
     */
    public static float[][] adaptiveAvgMatrix(int in, int out) {
        float[][] m = new float[out][in];
        for (int o = 0; o < out; o++) {
            int start = (int) Math.floor((double) o * in / out);
            int end = (int) Math.ceil((double) (o + 1) * in / out);
            for (int i = start; i < end; i++) {
                m[o][i] = 1f / (end - start);
            }
        }
        return m;
    }
}
