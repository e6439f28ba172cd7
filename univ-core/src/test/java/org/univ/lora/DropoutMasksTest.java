package org.univ.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DropoutMasksTest {
    private static float[] masked(DropoutMasks masks, NDManager m, int layer) {
        return masks.apply(m.ones(new Shape(1000, 1001)), 0.1f, layer).toFloatArray();
    }

    @Test
    void masksAreBernoulliAndAFunctionOfSeedStepLayerAndCall() {
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            DropoutMasks masks = new DropoutMasks();
            masks.reseed(7, 3);
            float[] a = masked(masks, m, 0);
            float[] secondCall = masked(masks, m, 0);
            float[] otherLayer = masked(masks, m, 1);
            double kept = 0;
            for (float v : a) {
                assertTrue(v == 0f || v == 1f, "0/1 before the 1/keep scale, got " + v);
                kept += v;
            }
            // 1,001,000 draws at keep 0.9: sd = sqrt(n·0.09) ≈ 300, so ±0.003 is ten sigmas
            assertEquals(0.9, kept / a.length, 0.003);
            assertFalse(Arrays.equals(a, secondCall), "a layer's second call in a step gets a new mask");
            assertFalse(Arrays.equals(a, otherLayer));
            masks.reseed(7, 3);
            assertArrayEquals(a, masked(masks, m, 0), "same (seed, step, layer, call): same mask");
            masks.reseed(7, 4);
            assertFalse(Arrays.equals(a, masked(masks, m, 0)), "another step: another mask");
            masks.reseed(1, 1); // 13 values: the 8-byte loop and the tail
            float[] odd = masks.apply(m.ones(new Shape(13)), 0.5f, 0).toFloatArray();
            assertEquals(13, odd.length);
        }
    }

    @Test
    void parallelChunksDrawTheSameMaskAsOneThread() {
        int n = 3 * DropoutMasks.CHUNK + 13; // three full chunks and a short one with a tail
        DropoutMasks.Request request = new DropoutMasks.Request(5, 1, n, 0.1f);
        java.nio.ByteBuffer serial = java.nio.ByteBuffer.allocateDirect(n);
        java.nio.ByteBuffer parallel = java.nio.ByteBuffer.allocateDirect(n);
        DropoutMasks.draw(serial, 42L, request, false);
        DropoutMasks.draw(parallel, 42L, request, true);
        assertEquals(serial, parallel, "masks must not depend on how many threads drew them");
        int kept = 0;
        byte[] firstChunk = new byte[DropoutMasks.CHUNK];
        byte[] secondChunk = new byte[DropoutMasks.CHUNK];
        serial.get(0, firstChunk).get(DropoutMasks.CHUNK, secondChunk);
        for (int i = 0; i < n; i++) {
            byte v = serial.get(i);
            assertTrue(v == 0 || v == 1, "byte " + i + " is " + v);
            kept += v;
        }
        assertEquals(0.9, kept / (double) n, 0.006); // n ≈ 197k: sd ≈ 0.0007, so about nine sigmas
        assertFalse(Arrays.equals(firstChunk, secondChunk), "each chunk has its own stream");
    }

    @Test
    void unseededFallsBackToLibtorchAndTrainingScaleIsOneOverKeep() {
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            NDArray x = m.ones(new Shape(200_000));
            float mean = new DropoutMasks().apply(x, 0.25f, 0).mean().getFloat();
            assertEquals(0.75, mean, 0.01);
            assertEquals(4f / 0.75f, LoRAModule.updateScale(4f, 0.25f, true), 1e-6f);
            assertEquals(4f, LoRAModule.updateScale(4f, 0.25f, false));
        }
    }
}
