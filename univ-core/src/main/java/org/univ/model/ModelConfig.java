package org.univ.model;

import java.util.Map;

/** What every backbone config tells the rest of the system. */
public interface ModelConfig {
    /** Architecture tag stored in checkpoint metadata ({@code vit}, {@code convvit}). */
    String arch();

    /** Input sides must be multiples of this. */
    int patch();

    /** Per-channel RGB normalisation the weights were trained with. */
    float[] mean();

    float[] std();

    /** String metadata written into exported safetensors so the file rebuilds its model. */
    Map<String, String> toMetadata();
}
