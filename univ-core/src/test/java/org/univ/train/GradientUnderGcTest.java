package org.univ.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.univ.TestModels;
import org.univ.lora.LoRA;
import org.univ.lora.LoRAConfig;
import org.univ.loss.UnivObjective;
import org.univ.model.Backbone;
import org.univ.model.BackboneOutput;
import org.univ.model.Backbones;
import org.univ.model.ModelConfig;
import org.univ.model.Parameter;
import org.univ.util.Tensors;

/**
 * Gradients must not depend on what the JVM does between forward and backward. DJL's scalar ops
 * ({@code x.mul(2f)}) keep a Java-owned scalar in the autograd graph that a GC frees (see {@link Tensors});
 * this test churns the heap and native memory between the two passes and demands identical gradients.
 */
class GradientUnderGcTest {

    @Test
    void djlScalarOpsAreUnsafeAndTensorsScalarsAreSafe() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(4));
            x.setRequiresGradient(true);
            try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = Tensors.mul(x.add(0f), 3).sum();
                churn(m);
                gc.backward(loss);
            }
            assertArrayEquals(new float[] {3, 3, 3, 3}, x.getGradient().toFloatArray());
        }
    }

    @Test
    void vitStudentGradientsSurviveGarbageCollection() {
        assertStable(TestModels.tinyVit(), false);
    }

    @Test
    void convVitStudentGradientsSurviveGarbageCollection() {
        assertStable(TestModels.tinyConvViT(), true);
    }

    /** A trainable position table (48 px on a 32 px model) takes the resampling path too. */
    @Test
    void resampledTrainablePositionEmbeddingSurvivesGarbageCollection() {
        try (NDManager m = NDManager.newBaseManager(); Backbone b = Backbones.create(TestModels.tinyVit(), m)) {
            b.module().initialize(3);
            b.module().setTrainable(true);
            Map<String, float[]> calm = grads(b, m, 48, false);
            Map<String, float[]> churned = grads(b, m, 48, true);
            calm.forEach((k, v) -> assertArrayEquals(v, churned.get(k), k));
        }
    }

    private static void assertStable(ModelConfig config, boolean convolutions) {
        try (NDManager m = NDManager.newBaseManager(); Backbone b = Backbones.create(config, m)) {
            b.module().initialize(5);
            LoRA.inject(b.module(), LoRAConfig.builder().optConvolutions(convolutions).optDropout(0).build(), 1);
            for (Parameter p : LoRA.loraParameters(b.module()).values()) {
                p.copyFrom(TestModels.randn(m, p.numel(), p.array().getShape().getShape()).mul(0.1f));
            }
            Map<String, float[]> calm = grads(b, m, 32, false);
            Map<String, float[]> churned = grads(b, m, 32, true);
            assertEquals(calm.keySet(), churned.keySet());
            calm.forEach((k, v) -> assertArrayEquals(v, churned.get(k), k));
        }
    }

    /** Gradients of the UNIV objective (teacher = the same model without grad) w.r.t. every trainable tensor. */
    private static Map<String, float[]> grads(Backbone b, NDManager m, int size, boolean churn) {
        Map<String, float[]> out = new LinkedHashMap<>();
        UnivObjective objective = UnivObjective.builder().optRgbPreservation("pccl").build();
        try (NDScope scope = new NDScope()) {
            NDArray rgb = TestModels.randn(m, 11, 2, 3, size, size);
            NDArray ir = TestModels.randn(m, 12, 2, 3, size, size);
            BackboneOutput teacher = b.forward(rgb);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray tokens = b.forward(rgb.concat(ir, 0)).patchTokens();
                NDArray loss = objective.compute(teacher, tokens.get("2:"), tokens.get(":2")).total();
                if (churn) {
                    churn(m);
                }
                gc.backward(loss);
            }
            b.module().namedParameters().forEach((n, p) -> {
                if (p.isTrainable()) {
                    NDArray g = p.array().getGradient();
                    out.put(n, g.toFloatArray());
                    g.muli(0f);
                }
            });
        }
        return out;
    }

    /** Frees and reuses native and heap memory the way a busy JVM would between forward and backward. */
    private static void churn(NDManager m) {
        for (int i = 0; i < 20; i++) {
            System.gc();
            ByteBuffer b = ByteBuffer.allocateDirect(4096);
            while (b.hasRemaining()) {
                b.put((byte) 0x7f);
            }
        }
        try (NDManager junk = m.newSubManager()) {
            for (int i = 0; i < 2000; i++) {
                junk.create(new float[] {1e30f, -1e30f});
            }
        }
    }
}
