package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * ConvMAE's ConvViT encoder ({@code convmae_convvit_base_patch16}, METHOD §1b), the paper's own backbone:
 * <pre>
 * images [B,3,H,W] → patch_embed1 (4×4) → blocks1 (conv) → stage 1 map [B,C1,H/4,W/4]
 *                  → patch_embed2 (2×2) → blocks2 (conv) → stage 2 map [B,C2,H/8,W/8]
 *                  → patch_embed3 (2×2) → flatten row-major → patch_embed4 (Linear) + pos_embed (no CLS)
 *                  → blocks3 (ViT blocks) → norm → tokens [B,N,C3]
 * </pre>
 * Parameter names are ConvMAE's, so its encoder state dicts load as they are.
 *
 * <p>Loading: ConvMAE pre-training checkpoints also hold tensors UNIV never uses — the MAE decoder
 * ({@code decoder_*}, {@code decoder_pos_embed}, {@code mask_token}) and the multi-scale decoder inputs
 * {@code stage1_output_decode.*}, {@code stage2_output_decode.*}. {@link #ignoresCheckpointTensor} names
 * them, and {@link Weights#load} skips them (listed as {@code ignored} in its report) even when strict;
 * any other unknown or missing tensor still fails a strict load.
 */
public class ConvViT extends Module implements Backbone {
    private final ConvViTConfig config;
    private final Parameter posEmbed;

    /** Creates the model with zero weights in a new sub-manager of {@code parent}; load or initialise next. */
    public ConvViT(ConvViTConfig config, NDManager parent) {
        super(parent.newSubManager());
        this.config = config;
        int[] dims = config.embedDims();
        int[] patches = config.patchSizes();
        int grid = config.gridSize();
        int in = 3;
        for (int s = 0; s < 3; s++) {
            addChild("patch_embed" + (s + 1), new ConvPatchEmbed(manager, in, dims[s], patches[s], config.stageLnEps()));
            in = dims[s];
        }
        int d = config.embedDim();
        addChild("patch_embed4", new Linear(manager, d, d, true));
        posEmbed = addParameter("pos_embed", new Shape(1, (long) grid * grid, d));
        int[] depths = config.depths();
        for (int s = 0; s < 2; s++) {
            Blocks blocks = addChild("blocks" + (s + 1), new Blocks(manager));
            for (int i = 0; i < depths[s]; i++) {
                blocks.add(new ConvBlock(manager, dims[s], config.mlpRatio(), config.stageLnEps()));
            }
        }
        Blocks blocks3 = addChild("blocks3", new Blocks(manager));
        for (int i = 0; i < depths[2]; i++) {
            blocks3.add(new Block(manager, d, config.numHeads(), config.mlpRatio(), config.block3LnEps()));
        }
        addChild("norm", new LayerNorm(manager, d, config.block3LnEps()));
    }

    @Override
    public ConvViTConfig config() {
        return config;
    }

    @Override
    public Module module() {
        return this;
    }

    /**
     * images {@code [B, 3, H, W]}, sides multiples of 16 (square or not) →
     * patch tokens {@code [B, N, C3]}, last-block attention {@code [B, H, N, N]} (no prefix token),
     * stage maps [after blocks1 {@code [B, C1, H/4, W/4]}, after blocks2 {@code [B, C2, H/8, W/8]}].
     */
    @Override
    public BackboneOutput forward(NDArray images, int[] blocks) {
        int[] grid = Backbone.checkInput(images, config.patch());
        NDArray stage1 = convStage(1, images);                    // [B, C1, H/4, W/4]
        NDArray stage2 = convStage(2, stage1);                    // [B, C2, H/8, W/8]
        NDArray maps = child("patch_embed3", ConvPatchEmbed.class).forward(stage2); // [B, C3, gh, gw]
        Shape s = maps.getShape();
        NDArray x = maps.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).transpose(0, 2, 1); // [B, N, C3]
        x = child("patch_embed4", Linear.class).forward(x);
        x = x.add(positionEmbedding(grid[0], grid[1], x.getManager()));
        NDList blocksOut = child("blocks3", Blocks.class).forwardAll(x, blocks);
        x = blocksOut.get(0);
        NDArray attn = blocksOut.get(1);                           // the last block's [B, H, N, N]
        NDArray patchTokens = child("norm", LayerNorm.class).forward(x); // [B, N, C3]
        return new BackboneOutput(patchTokens, attn, null, 0, grid[0], grid[1], List.of(stage1, stage2),
                Blocks.patchTokensOfTapped(blocksOut, 0));
    }

    /** Stage 1 or 2: its patch embedding, then its conv blocks; a map {@code [B, C, h, w]}. */
    private NDArray convStage(int stage, NDArray x) {
        NDArray maps = child("patch_embed" + stage, ConvPatchEmbed.class).forward(x);
        Blocks blocks = child("blocks" + stage, Blocks.class);
        for (int i = 0; i < blocks.size(); i++) {
            maps = blocks.get(i, ConvBlock.class).forward(maps);
        }
        return maps;
    }

    /**
     * {@code pos_embed} for a grid of gh×gw tokens, {@code [1, gh*gw, C3]}: the stored square table, or
     * its bicubic resampling (align_corners = false) for any other grid, rectangular included.
     */
    public NDArray positionEmbedding(int gh, int gw, NDManager scope) {
        return PositionEmbedding.forGrid(posEmbed.array(), 0, config.gridSize(), gh, gw, scope);
    }

    @Override
    public boolean ignoresCheckpointTensor(String name) {
        return isUnusedCheckpointTensor(name);
    }

    /** ConvMAE checkpoint tensors that are not part of the encoder UNIV uses (see the class comment). */
    public static boolean isUnusedCheckpointTensor(String name) {
        return name.startsWith("stage1_output_decode.") || name.startsWith("stage2_output_decode.")
                || name.startsWith("decoder_") || name.equals("mask_token");
    }

    /**
     * timm-style random weights (see {@link Module#initialize}) and the fixed 2-D sin-cos
     * {@code pos_embed} ConvMAE uses, for models trained from scratch.
     */
    @Override
    public void initialize(long seed) {
        super.initialize(seed);
        int g = config.gridSize();
        posEmbed.array().set(sinCosTable(config.embedDim(), g, g));
    }

    /**
     * MAE's {@code get_2d_sincos_pos_embed} without CLS, for a gh×gw grid (row-major), {@code [1, gh*gw, dim]}:
     * channels {@code [0, dim/2)} encode the column, {@code [dim/2, dim)} the row; each half is
     * {@code sin(pos·ω_k)} then {@code cos(pos·ω_k)} for {@code ω_k = 10000^(-k/(dim/4))}, k < dim/4.
     */
    public static NDArray sinCosPositionEmbedding(NDManager manager, int dim, int gh, int gw) {
        return manager.create(sinCosTable(dim, gh, gw), new Shape(1, (long) gh * gw, dim));
    }

    static float[] sinCosTable(int dim, int gh, int gw) {
        if (dim % 4 != 0) {
            throw new IllegalArgumentException("a 2-D sin-cos position table needs a width divisible by 4, got " + dim);
        }
        int quarter = dim / 4;
        double[] omega = new double[quarter];
        for (int k = 0; k < quarter; k++) {
            omega[k] = 1.0 / Math.pow(10000, k / (double) quarter);
        }
        float[] table = new float[gh * gw * dim];
        for (int r = 0; r < gh; r++) {
            for (int c = 0; c < gw; c++) {
                int base = (r * gw + c) * dim;
                for (int k = 0; k < quarter; k++) {
                    table[base + k] = (float) Math.sin(c * omega[k]);
                    table[base + quarter + k] = (float) Math.cos(c * omega[k]);
                    table[base + 2 * quarter + k] = (float) Math.sin(r * omega[k]);
                    table[base + 3 * quarter + k] = (float) Math.cos(r * omega[k]);
                }
            }
        }
        return table;
    }

    @Override
    public void close() {
        manager.close();
    }
}
