package org.univ.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.univ.TestModels;
import org.univ.model.VisionTransformer;

class PatchFeaturesTest {

    @Test
    void batchesStackLikeOneForward() {
        try (NDManager m = NDManager.newBaseManager();
             VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m)) {
            vit.initialize(3);
            NDArray images = TestModels.randn(m, 4, 3, 3, 32, 48);                       // 3 images, 2x3 tokens
            PatchFeatures features;
            float diff;
            try (NDManager out = m.newSubManager()) {
                try (NDScope scope = new NDScope()) {
                    features = PatchFeatures.extract(vit, List.of(images.get("0:2"), images.get("2:3")), out);
                    NDScope.unregister(features.tokens());
                    NDArray whole = vit.forward(images).patchTokens();
                    diff = TestModels.maxAbsDiff(features.tokens(), whole);
                }
                // the tokens belong to the given manager and outlive the scope they were made in
                assertEquals(new Shape(3, 6, 32), features.tokens().getShape());
                assertEquals(3, features.size());
                assertEquals(2, features.gridH());
                assertEquals(3, features.gridW());
                assertTrue(diff < 1e-5f, "batched vs whole max-abs-diff " + diff);
                assertEquals(out, features.tokens().getManager());
            }
            IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class,
                    () -> PatchFeatures.extract(vit, List.of(images.get("0:1"),
                            TestModels.randn(m, 5, 1, 3, 32, 32)), m));
            assertTrue(sizes.getMessage().contains("one size"));
            assertThrows(IllegalArgumentException.class, () -> PatchFeatures.extract(vit, List.of(), m));
        }
    }
}
