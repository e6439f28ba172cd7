package org.univ.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.TestModels;
import org.univ.data.synth.SceneGenerator;
import org.univ.model.VisionTransformer;
import org.univ.model.Weights;

class SegTransferTest {
    @TempDir
    Path tmp;

    @Test
    void teacherAndStudentOnGeneratedScenes() {
        // the demo's generated scenes: vi/ ir/ mask/ classes.txt train.txt val.txt
        Path data = SceneGenerator.builder().optSize(64, 48).optSeed(3).optValFraction(0.34).build()
                .write(tmp.resolve("synth"), 6).dir();
        Path teacher = tmp.resolve("teacher.safetensors");
        Path student = tmp.resolve("student.safetensors");
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer a = new VisionTransformer(TestModels.tinyVit(), m);
             VisionTransformer b = new VisionTransformer(TestModels.tinyVit(), m)) {
            a.module().initialize(1);
            b.module().initialize(2);
            Weights.save(a, teacher, Map.of());
            Weights.save(b, student, Map.of());
        }
        List<String> log = new ArrayList<>();
        SegTransfer.Result r = SegTransfer.builder().setTeacher(teacher).optStudent(student).setData(data).optSeeds(0, 1)
                .setTrainer(SegTrainer.builder().setSize(32, 48).optIterations(2).optBatchSize(1).optChannels(8))
                .build().run(log::add);
        assertEquals(8, r.runs().size());                                   // 2 backbones × 2 modalities × 2 seeds
        assertEquals(8, log.size());
        assertEquals(6, r.classes().size());                                // sky road vegetation building car person
        for (Modality mod : List.of(Modality.IR, Modality.RGB)) {
            for (String who : List.of(SegTransfer.TEACHER, SegTransfer.STUDENT)) {
                SegTransfer.Spread s = r.spread(who, mod, "mIoU");
                assertEquals(2, s.n());
                assertTrue(s.mean() >= 0 && s.mean() <= 1 && s.sd() >= 0, who + " " + mod + " " + s);
            }
            SegTransfer.Spread d = r.difference(mod, "aAcc");
            double byHand = 0;
            for (long seed : new long[] {0, 1}) {
                byHand += (value(r, SegTransfer.STUDENT, mod, seed) - value(r, SegTransfer.TEACHER, mod, seed)) / 2;
            }
            assertEquals(byHand, d.mean(), 1e-12);
        }
        assertTrue(r.table().contains("S - T"), r.table());
        Map<String, Object> json = r.toMap();
        assertTrue(((Map<?, ?>) json.get("modalities")).containsKey("ir"));
    }

    private static double value(SegTransfer.Result r, String who, Modality m, long seed) {
        return r.runs(who, m).stream().filter(x -> x.seed() == seed).findFirst().orElseThrow().result().aAcc();
    }

    @Test
    void spreadIsTheSampleStandardDeviation() {
        SegTransfer.Spread s = SegTransfer.Spread.of(List.of(0.2, 0.4, 0.6));
        assertEquals(0.4, s.mean(), 1e-12);
        assertEquals(0.2, s.sd(), 1e-12);
        assertEquals(0, SegTransfer.Spread.of(List.of(0.3)).sd(), 0);
    }
}
