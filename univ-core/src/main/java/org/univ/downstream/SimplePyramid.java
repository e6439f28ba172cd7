package org.univ.downstream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.univ.model.Backbone;
import org.univ.model.Conv2d;
import org.univ.model.ConvViTConfig;
import org.univ.model.ConvTranspose2d;
import org.univ.model.LayerNorm;
import org.univ.model.Module;
import org.univ.model.ViTConfig;

/**
 * ViTDet's simple feature pyramid (Li et al. 2022): every level is made from the last layer's stride-16 map,
 * ×4 / ×2 by transposed convolutions, ×1, ×0.5 by max-pooling, then a 1×1 and a 3×3 conv with channel
 * LayerNorms project each to {@code outChannels}. For a ConvViT the stride-4 and stride-8 levels come from its
 * convolutional stages instead (as ConvMAE's detector does), since they hold real high-resolution features.
 *
 * <p>Any grid works: odd sides pool with ceil, so the stride-32 level of a 28×21 grid is 14×11.
 * Parameter names follow detectron2 ({@code simfp_4.0.weight}, {@code simfp_4.output_norm.weight}, …).
 */
public class SimplePyramid extends Module {
    private final int[] strides;
    private final boolean fromStages;

    /**
     * @param inChannels    D of the stride-16 map
     * @param stageChannels channels of the backbone's stage maps, finest first (stride 4, 8); empty for a ViT
     * @param outChannels   channels of every level
     * @param strides       subset of {4, 8, 16, 32}, ascending
     */
    public SimplePyramid(NDManager manager, int inChannels, int[] stageChannels, int outChannels, int... strides) {
        super(manager);
        this.strides = strides.clone();
        this.fromStages = stageChannels.length > 0;
        if (strides.length == 0) {
            throw new IllegalArgumentException("a pyramid needs at least one stride of 4, 8, 16, 32");
        }
        for (int i = 0; i < strides.length; i++) {
            if (Arrays.binarySearch(new int[] {4, 8, 16, 32}, strides[i]) < 0 || i > 0 && strides[i] <= strides[i - 1]) {
                throw new IllegalArgumentException("pyramid strides must be ascending values of 4, 8, 16, 32, got "
                        + Arrays.toString(strides));
            }
        }
        if (fromStages && stageChannels.length != 2) {
            throw new IllegalArgumentException("a ConvViT pyramid needs the stride-4 and stride-8 stage channels, got "
                    + Arrays.toString(stageChannels));
        }
        for (int s : strides) {
            int levelIn;
            if (s == 4 && fromStages) {
                levelIn = stageChannels[0];
            } else if (s == 8 && fromStages) {
                levelIn = stageChannels[1];
            } else if (s == 4) {
                addChild("simfp_4.0", new ConvTranspose2d(manager, inChannels, inChannels / 2, 2));
                addChild("simfp_4.norm", new LayerNorm(manager, inChannels / 2, 1e-6f));
                addChild("simfp_4.3", new ConvTranspose2d(manager, inChannels / 2, inChannels / 4, 2));
                levelIn = inChannels / 4;
            } else if (s == 8) {
                addChild("simfp_8.0", new ConvTranspose2d(manager, inChannels, inChannels / 2, 2));
                levelIn = inChannels / 2;
            } else {
                levelIn = inChannels;
            }
            String p = "simfp_" + s;
            addChild(p + ".conv1", new Conv2d(manager, levelIn, outChannels, 1, 1, 0, 1, false));
            addChild(p + ".conv1_norm", new LayerNorm(manager, outChannels, 1e-6f));
            addChild(p + ".conv2", new Conv2d(manager, outChannels, outChannels, 3, 1, 1, 1, false));
            addChild(p + ".output_norm", new LayerNorm(manager, outChannels, 1e-6f));
        }
    }

    /** A pyramid matching a backbone: its token width, and for a ConvViT its stride-4/8 stage widths. */
    public static SimplePyramid forBackbone(NDManager manager, Backbone backbone, int outChannels, int... strides) {
        if (backbone.config() instanceof ConvViTConfig c) {
            int[] dims = c.embedDims();
            return new SimplePyramid(manager, c.embedDim(), new int[] {dims[0], dims[1]}, outChannels, strides);
        }
        if (backbone.config() instanceof ViTConfig c) {
            return new SimplePyramid(manager, c.embedDim(), new int[0], outChannels, strides);
        }
        throw new IllegalArgumentException("no pyramid for backbone " + backbone.config().arch());
    }

    public int[] strides() {
        return strides.clone();
    }

    /** One map per stride, {@code [B, outChannels, ceil(H/s), ceil(W/s)]} for an H×W input. */
    public List<NDArray> forward(DenseFeatures features) {
        NDArray map = features.map();                                                // [B, D, h, w]
        List<NDArray> levels = new ArrayList<>(strides.length);
        for (int s : strides) {
            NDArray x;
            if (fromStages && (s == 4 || s == 8)) {
                if (features.stageMaps().size() < 2) {
                    throw new IllegalArgumentException("this pyramid was built for a ConvViT; the features have "
                            + features.stageMaps().size() + " stage maps, need 2");
                }
                x = features.stageMaps().get(s == 4 ? 0 : 1);
            } else if (s == 4) {
                x = child("simfp_4.0", ConvTranspose2d.class).forward(map);
                x = Activation.gelu(child("simfp_4.norm", LayerNorm.class).forwardChannels(x));
                x = child("simfp_4.3", ConvTranspose2d.class).forward(x);
            } else if (s == 8) {
                x = child("simfp_8.0", ConvTranspose2d.class).forward(map);
            } else if (s == 16) {
                x = map;
            } else {
                x = Pool.maxPool2d(map, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), true);
            }
            String p = "simfp_" + s;
            x = child(p + ".conv1_norm", LayerNorm.class).forwardChannels(child(p + ".conv1", Conv2d.class).forward(x));
            x = child(p + ".output_norm", LayerNorm.class).forwardChannels(child(p + ".conv2", Conv2d.class).forward(x));
            levels.add(x);
        }
        return levels;
    }
}
