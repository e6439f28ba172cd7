package org.univ.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.univ.Shared;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;

/** Smoke tests on the shared data (skipped when it is absent). */
class RealDataTest {
    @Test
    void roadsceneHas221UsablePairs() {
        Path root = Shared.require("data/roadscene");
        DataCheck.Report report = DataCheck.run(PairIndex.scan(RootSpec.of(root)), false);
        assertTrue(report.usable(), report.toString());
        assertEquals(221, report.pairs());
    }

    @Test
    void msrsTrainListHas161Pairs() {
        Path root = Shared.require("data/msrs");
        PairIndex index = PairIndex.open(root + ":" + root.resolve("train.txt"));
        assertEquals(161, index.size());
        DataCheck.RootReport r = DataCheck.run(index, false).roots().get(0);
        assertTrue(r.usable(), r.problems().toString());
        assertEquals(java.util.Map.of("8-bit grey", 161), r.irFormats());
        assertTrue(r.sizeMismatches().isEmpty());
    }

    /**
     * Without crop and flip, CoAugment is the fixture's preprocessing (PIL bilinear to a square, /255, mean/std);
     * PIL rounds the resized image to 8 bits, so up to half a grey level (≈ 0.0087 after /std) may differ.
     */
    @Test
    void fullViewMatchesThePytorchFixtureInputs() {
        Path fixture = Shared.require("fixtures/deit_tiny_reference.safetensors");
        Path data = Shared.require("data");
        String[] rgb = {"msrs/vi/00004N.png", "roadscene/vi/FLIR_00006.jpg"};
        String[] ir = {"msrs/ir/00004N.png", "roadscene/ir/FLIR_00006.jpg"};
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict ref = SafeTensors.load(fixture, m);
            assertEquals(String.join(",", rgb), ref.metadata().get("images_rgb"));
            for (int size : new int[] {112, 224}) {
                CoAugment full = CoAugment.builder().setSize(size).optCropScale(1, 1).optFlipProbability(0).build();
                float[] expectRgb = ref.require("input_rgb_" + size).toFloatArray();
                float[] expectIr = ref.require("input_ir_" + size).toFloatArray();
                int len = full.sampleLength();
                for (int i = 0; i < 2; i++) {
                    Path r = data.resolve(rgb[i]);
                    Pair pair = new Pair("fixture", r.getParent().getParent(), r, data.resolve(ir[i]));
                    CoAugment.Sample s = full.apply(pair, 0, 0, i);
                    double dRgb = maxAbsDiff(s.rgb(), expectRgb, i * len);
                    double dIr = maxAbsDiff(s.ir(), expectIr, i * len);
                    System.out.printf(Locale.ROOT, "fixture %s @%d: max|Δ| rgb %.4f ir %.4f%n", rgb[i], size, dRgb, dIr);
                    assertTrue(dRgb < 0.03 && dIr < 0.03, rgb[i] + " @" + size + ": " + dRgb + ", " + dIr);
                }
            }
        }
    }

    /** Informational: one 16-pair batch of 640×480 MSRS at 112 px on 2 threads (printed, not asserted). */
    @Test
    void msrsBatchTiming() {
        Path root = Shared.require("data/msrs");
        PairIndex index = PairIndex.open(root + ":" + root.resolve("train.txt"));
        CoAugment aug = CoAugment.builder().setSize(112).build();
        try (PairLoader l = PairLoader.builder().setIndex(index).setAugment(aug).setBatchSize(16).optWorkers(2).build()) {
            l.next(); // warm-up (class loading, JIT)
            long t0 = System.nanoTime();
            int n = 4;
            for (int i = 0; i < n; i++) {
                l.next();
            }
            System.out.printf(Locale.ROOT, "msrs 16 pairs → 112 px, 2 workers, first epoch (decoding, JIT still warming): %.0f ms per batch%n", (System.nanoTime() - t0) / 1e6 / n);
        }
    }

    private static double maxAbsDiff(float[] a, float[] b, int offset) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[offset + i]));
        }
        return m;
    }
}
