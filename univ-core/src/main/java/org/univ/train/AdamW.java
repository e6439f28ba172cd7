package org.univ.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;
import org.univ.model.Parameter;

/**
 * AdamW exactly as {@code torch.optim.AdamW}: decoupled decay {@code p ← p·(1 − lr·wd)}, then
 * {@code p ← p − lr · m̂ / (√v̂ + eps)} with bias-corrected moments. Biases and other 1-D tensors get
 * no weight decay. State (moments, step count) is named so checkpoints restore it exactly.
 */
public final class AdamW implements AutoCloseable {
    private final NDManager manager;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final Map<String, NDArray> firstMoment = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoment = new LinkedHashMap<>();
    private long stepCount;

    public AdamW(NDManager parent, double beta1, double beta2, double eps) {
        this.manager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** One update of every parameter that has a gradient in {@code grads}. */
    public void step(Map<String, Parameter> params, Map<String, NDArray> grads, double lr, double weightDecay) {
        step(params, grads, lr, weightDecay, null);
    }

    /**
     * As {@link #step(Map, Map, double, double)} with a learning-rate multiplier per parameter (layer-wise lr decay,
     * a slower backbone): parameter {@code n} uses {@code lr · lrScale.get(n)} for both the step and the decoupled
     * decay, as a PyTorch parameter group with its own lr; names absent from {@code lrScale} (or a null map) use 1.
     */
    public void step(Map<String, Parameter> params, Map<String, NDArray> grads, double lr, double weightDecay,
                     Map<String, Double> lrScale) {
        stepCount++;
        double bc1 = 1 - Math.pow(beta1, stepCount);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, stepCount));
        try (NDScope scope = new NDScope()) {
            // the step's constants, made once and shared by every tensor (each Java scalar would be a JNI allocation)
            NDArray b1 = constant(beta1);
            NDArray oneMinusB1 = constant(1 - beta1);
            NDArray b2 = constant(beta2);
            NDArray oneMinusB2 = constant(1 - beta2);
            NDArray invBc2Sqrt = constant(1 / bc2Sqrt);
            NDArray epsilon = constant(eps);
            Map<Double, NDArray[]> perScale = new LinkedHashMap<>(); // scale → {step size, decay factor}
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray g = grads.get(e.getKey());
                if (g == null) {
                    continue;
                }
                double scale = lrScale == null ? 1.0 : lrScale.getOrDefault(e.getKey(), 1.0);
                NDArray[] c = perScale.computeIfAbsent(scale, sc -> new NDArray[] {
                        constant(lr * sc / bc1), constant(1 - lr * sc * weightDecay)});
                NDArray p = e.getValue().array();
                NDArray m = moment(firstMoment, e.getKey(), p);
                NDArray v = moment(secondMoment, e.getKey(), p);
                if (weightDecay != 0 && p.getShape().dimension() > 1) { // no decay for biases and other 1-D tensors
                    p.muli(c[1]);
                }
                m.muli(b1).addi(g.mul(oneMinusB1));
                v.muli(b2).addi(g.square().muli(oneMinusB2));
                NDArray denom = v.sqrt().muli(invBc2Sqrt).addi(epsilon);
                p.subi(m.div(denom).muli(c[0]));
            }
        }
    }

    private NDArray constant(double value) {
        return manager.full(new ai.djl.ndarray.types.Shape(), (float) value);
    }

    private NDArray moment(Map<String, NDArray> moments, String name, NDArray like) {
        return moments.computeIfAbsent(name, n -> {
            NDArray z = manager.zeros(like.getShape(), like.getDataType());
            NDScope.unregister(z);
            return z;
        });
    }

    public long stepCount() {
        return stepCount;
    }

    /** Moments by {@code m/NAME}, {@code v/NAME} (for checkpoints). */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        firstMoment.forEach((n, a) -> out.put("m/" + n, a));
        secondMoment.forEach((n, a) -> out.put("v/" + n, a));
        return out;
    }

    /** Restores moments and the step count written by {@link #state()}. */
    public void load(Map<String, NDArray> state, long steps) {
        this.stepCount = steps;
        state.forEach((k, a) -> {
            Map<String, NDArray> target = k.startsWith("m/") ? firstMoment : k.startsWith("v/") ? secondMoment : null;
            if (target != null) {
                NDArray copy = manager.create(a.toFloatArray(), a.getShape());
                target.put(k.substring(2), copy);
            }
        });
    }

    @Override
    public void close() {
        manager.close();
    }
}
