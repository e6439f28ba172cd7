package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.univ.Shared;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;

/**
 * The PyTorch reference of the small ConvMAE ConvViT ({@code fixtures/convvit_small_reference.safetensors},
 * widths 32/48/96, depths 1/1/2, 4 heads, 96 px): the model built from its student weights, and the reference
 * tensors {@code input_S}, {@code tokens_S}, {@code attn_last_S}, {@code stage1_S}, {@code stage2_S},
 * {@code pos_embed_S}, {@code pccl_target_S} at S = 96 and 64. Tests that use it are skipped when the shared
 * folder is absent. Shared with the loss tests (PCCL targets from {@code attn_last_S}).
 */
public final class ConvViTReference implements AutoCloseable {
    public static final String FILE = "fixtures/convvit_small_reference.safetensors";
    public static final int[] SIZES = {96, 64};
    private static final Pattern REFERENCE = Pattern.compile(".*_\\d+$"); // input_96, tokens_64, …

    private final StateDict all;
    private final ConvViT model;

    private ConvViTReference(StateDict all, ConvViT model) {
        this.all = all;
        this.model = model;
    }

    /** Loads the fixture into {@code manager} and builds the model (strict) from its weights and metadata. */
    public static ConvViTReference open(NDManager manager) {
        Path file = Shared.require(FILE);
        StateDict all = SafeTensors.load(file, manager);
        Backbone model = Backbones.fromStateDict(weights(all), manager, true, file.toString());
        return new ConvViTReference(all, (ConvViT) model);
    }

    /** Only the student weights (every tensor that is not a {@code _S} reference), with the file's metadata. */
    public static StateDict weights(StateDict all) {
        StateDict sd = new StateDict();
        sd.metadata().putAll(all.metadata());
        all.tensors().forEach((name, a) -> {
            if (!REFERENCE.matcher(name).matches()) {
                sd.put(name, a);
            }
        });
        return sd;
    }

    public ConvViT model() {
        return model;
    }

    /** A reference tensor, e.g. {@code reference("tokens", 96)}. */
    public NDArray reference(String name, int size) {
        return all.require(name + "_" + size);
    }

    public StateDict all() {
        return all;
    }

    @Override
    public void close() {
        model.close();
    }
}
