package org.univ.model;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.univ.io.CheckpointException;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;

/** Moving named tensors between a {@link Module} tree and checkpoints. */
public final class Weights {
    private Weights() {}

    /** What a load matched and did not. */
    public record LoadReport(List<String> loaded, List<String> missing, List<String> unexpected,
                             List<String> shapeMismatched, List<String> ignored) {
        public boolean clean() {
            return missing.isEmpty() && unexpected.isEmpty() && shapeMismatched.isEmpty();
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            sb.append(loaded.size()).append(" tensors loaded");
            if (!missing.isEmpty()) {
                sb.append("\n  missing in the checkpoint (").append(missing.size()).append("): ").append(missing);
            }
            if (!unexpected.isEmpty()) {
                sb.append("\n  unexpected in the checkpoint (").append(unexpected.size()).append("): ").append(unexpected);
            }
            if (!shapeMismatched.isEmpty()) {
                sb.append("\n  shape mismatch (").append(shapeMismatched.size()).append("): ").append(shapeMismatched);
            }
            if (!ignored.isEmpty()) {
                sb.append("\n  ignored, not used by this architecture (").append(ignored.size()).append("): ")
                        .append(ignored);
            }
            return sb.toString();
        }
    }

    /**
     * Copies matching tensors into the model. Strict: any missing, unexpected or shape-mismatched key
     * is an error listing all of them and nothing is changed. Non-strict: loads what matches (for
     * example everything but a classifier head of another size) and reports the rest.
     * When {@code model} is a {@link Backbone}, checkpoint tensors it {@linkplain Backbone#ignoresCheckpointTensor
     * ignores} (ConvMAE's decoder) are skipped in both modes and reported as {@code ignored}.
     */
    public static LoadReport load(Module model, StateDict sd, boolean strict, String source) {
        Map<String, Parameter> params = model.namedParameters();
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray a = sd.get(e.getKey());
            if (a == null) {
                missing.add(e.getKey());
            } else if (!a.getShape().equals(e.getValue().array().getShape())) {
                mismatched.add(e.getKey() + " checkpoint " + a.getShape() + " vs model " + e.getValue().array().getShape());
            } else {
                loaded.add(e.getKey());
            }
        }
        for (String name : sd.names()) {
            if (!params.containsKey(name)) {
                if (model instanceof Backbone b && b.ignoresCheckpointTensor(name)) {
                    ignored.add(name);
                } else {
                    unexpected.add(name);
                }
            }
        }
        LoadReport report = new LoadReport(loaded, missing, unexpected, mismatched, ignored);
        if (strict && !report.clean()) {
            throw new CheckpointException("checkpoint " + source + " does not fit the model: " + report
                    + "\n  (load non-strictly to skip these, e.g. a classifier head of another size)");
        }
        for (String name : loaded) {
            params.get(name).copyFrom(sd.get(name));
        }
        return report;
    }

    /** The model's tensors by timm/ConvMAE name (the live arrays, not copies). */
    public static Map<String, NDArray> tensors(Module model) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        model.namedParameters().forEach((n, p) -> out.put(n, p.array()));
        return out;
    }

    /** Saves a backbone as safetensors with its architecture metadata (plus {@code extra}). */
    public static void save(Backbone backbone, Path file, Map<String, String> extra) {
        Map<String, String> meta = new LinkedHashMap<>(backbone.config().toMetadata());
        if (extra != null) {
            meta.putAll(extra);
        }
        SafeTensors.save(file, tensors(backbone.module()), meta);
    }
}
