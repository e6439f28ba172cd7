package org.univ.segment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.univ.io.CheckpointException;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;
import org.univ.lora.LoRA;
import org.univ.model.Backbone;
import org.univ.model.Parameter;
import org.univ.model.Weights;

/**
 * A trained segmentation head as one safetensors file: the head's tensors ({@code neck.*}, {@code decode_head.*}),
 * for a fine-tuned backbone its LoRA factors ({@code backbone.<layer>.lora_A|B}), and {@link SegHeadInfo} as metadata.
 * The backbone itself is not stored: the head is used with the backbone checkpoint it was trained on.
 */
public final class SegCheckpoint {
    static final String BACKBONE_PREFIX = "backbone.";

    private SegCheckpoint() {}

    /** Writes the head (and the backbone's LoRA factors when {@code info} says it was fine-tuned), atomically. */
    public static void save(Path file, SegHead head, Backbone backbone, SegHeadInfo info) {
        Map<String, NDArray> tensors = new LinkedHashMap<>(Weights.tensors(head));
        if (info.finetuned()) {
            Map<String, Parameter> lora = LoRA.loraParameters(backbone.module());
            if (lora.isEmpty()) {
                throw new IllegalStateException("the head was fine-tuned with LoRA but the backbone has no adapters"
                        + " (were they merged?); save before merging");
            }
            lora.forEach((n, p) -> tensors.put(BACKBONE_PREFIX + n, p.array()));
        }
        SafeTensors.save(file, tensors, info.toMetadata());
    }

    /** A loaded head with its settings. */
    public record Loaded(SegHead head, SegHeadInfo info) {}

    /**
     * Reads a head for {@code backbone}; for a fine-tuned head, injects the stored LoRA adapters into the backbone and
     * merges them (the backbone is changed in place). Every tensor must fit (strict).
     */
    public static Loaded load(Path file, Backbone backbone, NDManager manager) {
        String source = file.toString();
        try (NDManager tmp = manager.newSubManager()) {
            StateDict sd = SafeTensors.load(file, tmp);
            SegHeadInfo info = SegHeadInfo.fromMetadata(sd.metadata(), source);
            int dim = SegHead.embedDim(backbone);
            int[] stages = SegHead.stageChannels(backbone);
            if (dim != info.embedDim() || !Arrays.equals(stages, info.stageChannels())) {
                throw new CheckpointException(source + " was trained on a backbone of width " + info.embedDim()
                        + " (stages " + Arrays.toString(info.stageChannels()) + ") but this backbone has " + dim + " ("
                        + Arrays.toString(stages) + "); use the backbone the head was trained with");
            }
            StateDict headPart = new StateDict();
            StateDict loraPart = new StateDict();
            for (String name : sd.names()) {
                if (name.startsWith(BACKBONE_PREFIX)) {
                    loraPart.put(name.substring(BACKBONE_PREFIX.length()), sd.get(name));
                } else {
                    headPart.put(name, sd.get(name));
                }
            }
            SegHead head = new SegHead(manager, info.embedDim(), info.stageChannels(), info.classes().size(), info.channels());
            try {
                Weights.load(head, headPart, true, source);
                if (info.finetuned()) {
                    applyLora(backbone, loraPart, info, source);
                } else if (loraPart.size() > 0) {
                    throw new CheckpointException(source + " holds backbone tensors but its protocol is " + info.protocol());
                }
            } catch (RuntimeException e) {
                head.close();
                throw e;
            }
            return new Loaded(head, info);
        }
    }

    private static void applyLora(Backbone backbone, StateDict lora, SegHeadInfo info, String source) {
        LoRA.inject(backbone.module(), info.lora(), 0);
        Map<String, Parameter> params = LoRA.loraParameters(backbone.module());
        List<String> missing = params.keySet().stream().filter(n -> !lora.contains(n)).toList();
        List<String> unexpected = lora.names().stream().filter(n -> !params.containsKey(n)).toList();
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new CheckpointException(source + ": LoRA factors do not fit this backbone (missing " + missing.size()
                    + ", e.g. " + missing.stream().limit(3).toList() + "; unexpected " + unexpected.size() + ", e.g. "
                    + unexpected.stream().limit(3).toList() + "); use the backbone the head was fine-tuned on");
        }
        params.forEach((n, p) -> p.copyFrom(lora.get(n)));
        LoRA.merge(backbone.module());
        backbone.module().setTrainable(false);
    }
}
