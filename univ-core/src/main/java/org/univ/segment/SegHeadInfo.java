package org.univ.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.univ.downstream.Modality;
import org.univ.io.CheckpointException;
import org.univ.lora.LoRAConfig;

/**
 * What a trained segmentation head needs besides its tensors, stored as safetensors metadata: classes, modality (and
 * so the input normalisation, with the backbone's RGB statistics), the size it was trained at (H×W, also the inference scale) and its crop, head width,
 * protocol ({@code freeze} / {@code finetune}), ignore index, the LoRA setting of a fine-tuned backbone, and the
 * backbone widths it fits.
 */
public record SegHeadInfo(SegClasses classes, Modality modality, int height, int width, int cropHeight, int cropWidth,
                          int channels, String protocol, int ignoreIndex, LoRAConfig lora, String backboneArch,
                          int embedDim, int[] stageChannels) {
    public static final String ROLE = "univ-seg-head";
    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean finetuned() {
        return lora != null;
    }

    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("univ_role", ROLE);
        m.put("classes", json(classes.names()));
        m.put("modality", modality.key());
        m.put("size", width + "x" + height);
        m.put("crop", cropWidth + "x" + cropHeight);
        m.put("channels", Integer.toString(channels));
        m.put("protocol", protocol);
        m.put("ignore_index", Integer.toString(ignoreIndex));
        m.put("backbone_arch", backboneArch);
        m.put("embed_dim", Integer.toString(embedDim));
        m.put("stage_channels", json(Arrays.stream(stageChannels).boxed().toList()));
        if (lora != null) {
            m.put("lora_rank", Integer.toString(lora.rank()));
            m.put("lora_alpha", Float.toString(lora.alpha()));
            m.put("lora_dropout", Float.toString(lora.dropout()));
            m.put("lora_targets", json(lora.targets()));
            m.put("lora_convolutions", Boolean.toString(lora.convolutions()));
        }
        return m;
    }

    /** Reads the metadata written by {@link #toMetadata}; {@code source} names the file in errors. */
    public static SegHeadInfo fromMetadata(Map<String, String> m, String source) {
        if (!ROLE.equals(m.get("univ_role"))) {
            throw new CheckpointException(source + " is not a segmentation head (metadata univ_role is '" + m.get("univ_role")
                    + "', expected '" + ROLE + "'); pass the file written by 'univ seg train' as the head");
        }
        try {
            int[] size = parseSize(require(m, "size", source), source);
            int[] crop = parseSize(require(m, "crop", source), source);
            LoRAConfig lora = null;
            if (m.containsKey("lora_rank")) {
                lora = LoRAConfig.builder().optRank(Integer.parseInt(m.get("lora_rank")))
                        .optAlpha(Float.parseFloat(m.get("lora_alpha"))).optDropout(Float.parseFloat(m.get("lora_dropout")))
                        .optTargets(JSON.readValue(m.get("lora_targets"), new TypeReference<List<String>>() { }))
                        .optConvolutions(Boolean.parseBoolean(m.get("lora_convolutions"))).build();
            }
            List<Integer> stages = JSON.readValue(require(m, "stage_channels", source), new TypeReference<List<Integer>>() { });
            return new SegHeadInfo(new SegClasses(JSON.readValue(require(m, "classes", source),
                    new TypeReference<List<String>>() { })), Modality.parse(require(m, "modality", source)), size[1], size[0],
                    crop[1], crop[0], Integer.parseInt(require(m, "channels", source)), require(m, "protocol", source),
                    Integer.parseInt(require(m, "ignore_index", source)), lora, require(m, "backbone_arch", source),
                    Integer.parseInt(require(m, "embed_dim", source)), stages.stream().mapToInt(Integer::intValue).toArray());
        } catch (JsonProcessingException | RuntimeException e) {
            if (e instanceof CheckpointException ce) {
                throw ce;
            }
            throw new CheckpointException(source + ": unreadable segmentation-head metadata (" + e.getMessage() + ")", e);
        }
    }

    /** {@code WxH} → {width, height}. */
    public static int[] parseSize(String s, String what) {
        return org.univ.util.ImageSize.parse(s, what).toArray();
    }

    private static String require(Map<String, String> m, String key, String source) {
        String v = m.get(key);
        if (v == null) {
            throw new CheckpointException(source + ": segmentation-head metadata has no '" + key + "'");
        }
        return v;
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SegHeadInfo other && toMetadata().equals(other.toMetadata());
    }

    @Override
    public int hashCode() {
        return toMetadata().hashCode();
    }
}
