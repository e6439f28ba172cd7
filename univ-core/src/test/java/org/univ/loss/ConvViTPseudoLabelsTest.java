package org.univ.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.junit.jupiter.api.Test;
import org.univ.model.BackboneOutput;
import org.univ.model.ConvViTReference;

/** PCCL targets from the ConvViT's own attention (no CLS to drop) equal PyTorch's {@code pccl_target_S}. */
class ConvViTPseudoLabelsTest {
    @Test
    void targetsFromOurAttentionEqualTheReference() {
        try (NDManager m = NDManager.newBaseManager(); ConvViTReference ref = ConvViTReference.open(m);
             NDScope scope = new NDScope()) {
            for (int size : ConvViTReference.SIZES) {
                BackboneOutput out = ref.model().forward(ref.reference("input", size));
                assertEquals(0, out.prefixTokens());
                NDArray ours = PseudoLabels.fromAttention(out.lastAttention(), out.prefixTokens(), PseudoLabels.DEFAULT_RHO);
                NDArray expected = ref.reference("pccl_target", size);
                long differing = ours.neq(expected).sum().getLong();
                NDArray fromStored = PseudoLabels.fromAttention(ref.reference("attn_last", size), 0, PseudoLabels.DEFAULT_RHO);
                System.out.printf("ConvViT %d px: %d of %d pseudo-labels differ%n", size, differing, expected.size());
                assertEquals(0, differing);
                assertEquals(0, fromStored.neq(expected).sum().getLong());
            }
        }
    }
}
