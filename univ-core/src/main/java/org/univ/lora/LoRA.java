package org.univ.lora;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.univ.model.Conv2d;
import org.univ.model.Linear;
import org.univ.model.Module;
import org.univ.model.Parameter;

/** Injecting, counting and merging LoRA adapters in a {@link Module} tree. */
public final class LoRA {
    private LoRA() {}

    /** Trainable vs total parameters after injection, and which layers were adapted. */
    public record Report(long trainable, long total, List<String> adapted) {
        public double fraction() {
            return total == 0 ? 0 : (double) trainable / total;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "LoRA on %d layers: %,d trainable of %,d parameters (%.2f%%)",
                    adapted.size(), trainable, total, 100 * fraction());
        }
    }

    /**
     * Freezes every parameter of {@code root}, then replaces each Linear/Conv2d whose name ends in a
     * target suffix by its LoRA version (A Kaiming-uniform a=√5 from {@code seed}, B zeros, so the
     * adapted model starts equal to the base). Only A and B are trainable afterwards.
     */
    public static Report inject(Module root, LoRAConfig config, long seed) {
        return inject(root, config, seed, new DropoutMasks());
    }

    /**
     * As {@link #inject(Module, LoRAConfig, long)}, with the adapters' dropout masks drawn from {@code masks}
     * (the trainer reseeds it every step so that masks are reproducible and resume exactly).
     */
    public static Report inject(Module root, LoRAConfig config, long seed, DropoutMasks masks) {
        root.setTrainable(false);
        List<String> adapted = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(seed);
        for (Map.Entry<String, Module> e : root.namedModules().entrySet()) {
            Module parent = e.getValue();
            for (Map.Entry<String, Module> c : List.copyOf(parent.children().entrySet())) {
                // entries are live map nodes: take the value before replaceChild changes it
                String name = e.getKey().isEmpty() ? c.getKey() : e.getKey() + "." + c.getKey();
                Module child = c.getValue();
                if (child instanceof LoRAModule || !config.matches(name)) {
                    continue;
                }
                Module adapter;
                if (child instanceof Linear lin) {
                    adapter = new LoRALinear(lin, config, masks, adapted.size());
                } else if (child instanceof Conv2d conv && config.convolutions()) {
                    adapter = new LoRAConv2d(conv, config, masks, adapted.size());
                } else {
                    continue;
                }
                LoRAModule lm = (LoRAModule) adapter;
                kaimingUniform(lm.loraA().array(), rng);
                adapter.setTrainable(false);
                lm.loraA().setTrainable(true);
                lm.loraB().setTrainable(true);
                adapter.setTraining(parent.isTraining());
                parent.replaceChild(c.getKey(), adapter);
                releaseBase(child);
                adapted.add(name);
            }
        }
        if (adapted.isEmpty()) {
            throw new IllegalArgumentException("no " + (config.convolutions() ? "Linear or Conv2d" : "Linear")
                    + " layer name ends with any of " + config.targets());
        }
        return report(root, adapted);
    }

    public static Report report(Module root, List<String> adapted) {
        long trainable = 0;
        long total = 0;
        for (Parameter p : root.namedParameters().values()) {
            total += p.numel();
            if (p.isTrainable()) {
                trainable += p.numel();
            }
        }
        return new Report(trainable, total, adapted);
    }

    /** Names of the adapted layers currently in the tree. */
    public static List<String> adaptedLayers(Module root) {
        List<String> out = new ArrayList<>();
        root.namedModules().forEach((n, m) -> {
            if (m instanceof LoRAModule) {
                out.add(n);
            }
        });
        return out;
    }

    /** Replaces every LoRA layer by a plain one with {@code W + alpha/r · ΔW}; the tree then has timm names only. */
    public static int merge(Module root) {
        int merged = 0;
        for (Module parent : root.namedModules().values()) {
            for (Map.Entry<String, Module> c : List.copyOf(parent.children().entrySet())) {
                Module adapted = c.getValue(); // read before replaceChild: the entry is live
                if (adapted instanceof LoRAModule lm) {
                    Module plain = lm.merged();
                    plain.setTraining(parent.isTraining());
                    parent.replaceChild(c.getKey(), plain);
                    releaseBase(adapted);
                    merged++;
                }
            }
        }
        return merged;
    }

    /** Only the LoRA factors, by name (what a pre-training checkpoint stores). */
    public static Map<String, Parameter> loraParameters(Module root) {
        Map<String, Parameter> out = new java.util.LinkedHashMap<>();
        root.namedParameters().forEach((n, p) -> {
            if (n.endsWith(".lora_A") || n.endsWith(".lora_B")) {
                out.put(n, p);
            }
        });
        return out;
    }

    private static void kaimingUniform(NDArray a, SplittableRandom rng) {
        // kaiming_uniform_(a=√5): bound = gain·√(3/fan_in), gain = √(2/(1+5)) → bound = 1/√fan_in
        long fanIn = a.size() / a.getShape().get(0);
        double bound = 1.0 / Math.sqrt(fanIn);
        float[] v = new float[(int) a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        a.set(v);
    }

    private static void releaseBase(Module old) {
        old.namedParameters().values().forEach(p -> p.array().close());
    }
}
