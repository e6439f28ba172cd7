package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * timm/DeiT {@code VisionTransformer}: conv patch embedding, CLS token, learned absolute position
 * embedding (resampled bicubically for other grids), pre-norm blocks, final LayerNorm, optional head.
 * Parameter names are timm's, so any timm/DeiT/MAE state dict loads.
 */
public class VisionTransformer extends Module implements Backbone {
    private final ViTConfig config;
    private final Parameter clsToken;
    private final Parameter posEmbed;
    private final int depth;

    /** Creates the model with zero weights in a new sub-manager of {@code parent}; load or initialise next. */
    public VisionTransformer(ViTConfig config, NDManager parent) {
        super(parent.newSubManager());
        this.config = config;
        int d = config.embedDim();
        int grid = config.gridSize();
        PatchEmbed patchEmbed = new PatchEmbed(manager, 3, d, config.patchSize());
        addChild("patch_embed", patchEmbed);
        clsToken = addParameter("cls_token", new Shape(1, 1, d));
        posEmbed = addParameter("pos_embed", new Shape(1, 1 + (long) grid * grid, d));
        Blocks blocks = addChild("blocks", new Blocks(manager));
        for (int i = 0; i < config.depth(); i++) {
            blocks.add(new Block(manager, d, config.numHeads(), config.mlpRatio(), config.lnEps()));
        }
        this.depth = config.depth();
        addChild("norm", new LayerNorm(manager, d, config.lnEps()));
        if (config.numClasses() > 0) {
            addChild("head", new Linear(manager, d, config.numClasses(), true));
        }
    }

    @Override
    public ViTConfig config() {
        return config;
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public BackboneOutput forward(NDArray images, int[] blocks) {
        int[] grid = Backbone.checkInput(images, config.patchSize());
        long b = images.getShape().get(0);
        long d = config.embedDim();
        NDArray x = child("patch_embed", PatchEmbed.class).forward(images); // [B, N, D]
        NDArray cls = clsToken.array().broadcast(b, 1, d);
        cls.attach(x.getManager());
        x = cls.concat(x, 1).add(positionEmbedding(grid[0], grid[1], x.getManager())); // [B, 1+N, D]
        NDList blocksOut = child("blocks", Blocks.class).forwardAll(x, blocks);
        x = blocksOut.get(0);
        NDArray attn = blocksOut.get(1);                                    // the last block's [B, H, 1+N, 1+N]
        x = child("norm", LayerNorm.class).forward(x);
        NDArray patchTokens = x.get(":, 1:, :");                            // [B, N, D]
        NDArray logits = null;
        Linear head = child("head", Linear.class);
        if (head != null) {
            logits = head.forward(x.get(":, 0, :"));                         // [B, classes]
        }
        return new BackboneOutput(patchTokens, attn, logits, 1, grid[0], grid[1], List.of(),
                Blocks.patchTokensOfTapped(blocksOut, 1));
    }

    /** {@code pos_embed} for a grid of gh×gw tokens, CLS entry kept, in {@code [1, 1+gh*gw, D]}. */
    public NDArray positionEmbedding(int gh, int gw, NDManager scope) {
        return PositionEmbedding.forGrid(posEmbed.array(), 1, config.gridSize(), gh, gw, scope);
    }

    @Override
    public void close() {
        manager.close();
    }

    /** The conv patch embedding: {@code proj} with kernel = stride = patch, flattened to tokens. */
    public static final class PatchEmbed extends Module {
        public PatchEmbed(NDManager manager, int inChannels, int dim, int patch) {
            super(manager);
            addChild("proj", new Conv2d(manager, inChannels, dim, patch, patch, 0, 1, true));
        }

        /** images {@code [B, 3, H, W]} → tokens {@code [B, H/p·W/p, D]} row-major. */
        public NDArray forward(NDArray images) {
            NDArray maps = child("proj", Conv2d.class).forward(images); // [B, D, gh, gw]
            Shape s = maps.getShape();
            return maps.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).transpose(0, 2, 1);
        }
    }
}
