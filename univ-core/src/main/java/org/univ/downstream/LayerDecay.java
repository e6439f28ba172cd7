package org.univ.downstream;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.univ.model.Module;
import org.univ.model.Parameter;

/**
 * Layer-wise learning-rate decay for fine-tuning a backbone (BEiT / MAE / ViTDet): with L transformer blocks, block
 * i (0-based) gets {@code base · decay^(L − i)}, the embeddings (patch embedding, CLS token, position embedding; a
 * ConvViT's conv stages) {@code base · decay^(L + 1)}, and everything after the blocks (final norm) {@code base}.
 * Blocks are found by name: {@code blocks.i.} (timm ViT) or {@code blocks3.i.} (ConvMAE's transformer stage).
 */
public final class LayerDecay {
    private static final Pattern BLOCK = Pattern.compile("^(?:blocks|blocks3)\\.(\\d+)\\.");
    private static final Pattern EMBEDDING = Pattern.compile("^(?:patch_embed\\d*|cls_token|pos_embed|blocks[12])\\b.*");

    private LayerDecay() {}

    /** The lr multiplier of every trainable parameter of {@code backbone}, keys prefixed by {@code prefix}. */
    public static Map<String, Double> scales(Module backbone, String prefix, double base, double decay) {
        Map<String, Parameter> params = backbone.namedParameters();
        int depth = 0;
        for (String name : params.keySet()) {
            Matcher m = BLOCK.matcher(name);
            if (m.find()) {
                depth = Math.max(depth, Integer.parseInt(m.group(1)) + 1);
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (e.getValue().isTrainable()) {
                out.put(prefix + e.getKey(), base * Math.pow(decay, depth + 1 - layerId(e.getKey(), depth)));
            }
        }
        return out;
    }

    /** BEiT's layer id: 0 for embeddings, i + 1 for block i, depth + 1 for what follows the blocks. */
    static int layerId(String name, int depth) {
        Matcher m = BLOCK.matcher(name);
        if (m.find()) {
            return Integer.parseInt(m.group(1)) + 1;
        }
        if (EMBEDDING.matcher(name).matches()) {
            return 0;
        }
        return depth + 1;
    }
}
