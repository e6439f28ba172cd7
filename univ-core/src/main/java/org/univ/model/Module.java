package org.univ.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A node of a model tree, like {@code torch.nn.Module}: parameters and child modules by name, so
 * that dotted names ({@code blocks.3.attn.qkv.weight}) match timm/ConvMAE checkpoints exactly.
 * Parameters live in the manager given at construction; forward temporaries belong to the caller's scope.
 */
public abstract class Module {
    protected final NDManager manager;
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training;

    protected Module(NDManager manager) {
        this.manager = manager;
    }

    protected final Parameter addParameter(String name, Shape shape) {
        Parameter p = new Parameter(manager.zeros(shape));
        params.put(name, p);
        return p;
    }

    protected final <M extends Module> M addChild(String name, M child) {
        children.put(name, child);
        return child;
    }

    /** Swaps a direct child (used by LoRA injection and merging). */
    public final void replaceChild(String name, Module child) {
        if (!children.containsKey(name)) {
            throw new IllegalArgumentException("no child '" + name + "' in " + getClass().getSimpleName());
        }
        children.put(name, child);
    }

    /** A direct child by name, looked up at call time so that LoRA's replacements take effect. */
    protected final <M extends Module> M child(String name, Class<M> type) {
        return type.cast(children.get(name));
    }

    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    public final Map<String, Parameter> ownParameters() {
        return Collections.unmodifiableMap(params);
    }

    /** Every parameter below this module, by dotted name, in registration order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        params.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, c) -> c.collect(prefix + n + ".", out));
    }

    /** Every module below (and including) this one, by dotted name ("" for this one). */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String name, Map<String, Module> out) {
        out.put(name, this);
        children.forEach((n, c) -> c.collectModules(name.isEmpty() ? n : name + "." + n, out));
    }

    public final List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : namedParameters().values()) {
            if (p.isTrainable()) {
                out.add(p);
            }
        }
        return out;
    }

    public final void setTraining(boolean training) {
        this.training = training;
        children.values().forEach(c -> c.setTraining(training));
    }

    public final boolean isTraining() {
        return training;
    }

    /** Marks every parameter below as trainable or frozen. */
    public final void setTrainable(boolean trainable) {
        namedParameters().values().forEach(p -> p.setTrainable(trainable));
    }

    public NDManager getManager() {
        return manager;
    }

    /**
     * timm-style random initialisation for training from scratch: weights of Linear/Conv from a
     * truncated normal (std 0.02), biases 0, LayerNorm 1/0. Deterministic for a seed.
     */
    public void initialize(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
            String n = e.getKey();
            NDArray a = e.getValue().array();
            boolean norm = n.contains("norm");
            if (n.endsWith("bias")) {
                a.set(new float[(int) a.size()]);
            } else if (norm && n.endsWith("weight")) {
                float[] ones = new float[(int) a.size()];
                java.util.Arrays.fill(ones, 1f);
                a.set(ones);
            } else {
                a.set(truncatedNormal(rng, (int) a.size(), 0.02f));
            }
        }
    }

    static float[] truncatedNormal(SplittableRandom rng, int n, float std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double x;
            do {
                // Box-Muller; redraw outside two standard deviations, as trunc_normal_ does
                double u1 = 1.0 - rng.nextDouble();
                double u2 = rng.nextDouble();
                x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            } while (Math.abs(x) > 2);
            v[i] = (float) (x * std);
        }
        return v;
    }
}
