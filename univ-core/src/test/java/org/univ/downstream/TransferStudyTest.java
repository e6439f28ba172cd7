package org.univ.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.univ.model.Backbone;

/** Mean ± sd over seeds and paired differences, on a task whose results are fixed numbers. */
class TransferStudyTest {
    /** AP50 per (backbone, modality, seed) from a table; never touches the backbone supplier. */
    private record FixedTask(Map<String, double[]> ap50) implements TransferTask {
        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public List<String> metrics() {
            return List.of("AP50");
        }

        @Override
        public Result run(String backboneName, Supplier<Backbone> backbones, Modality modality, List<Long> seeds,
                          Path outDir) {
            double[] v = ap50.get(backboneName + "/" + modality.key());
            List<Map<String, Double>> perSeed = new ArrayList<>();
            for (int i = 0; i < seeds.size(); i++) {
                perSeed.add(Map.of("AP50", v[i]));
            }
            return new Result(perSeed, List.of());
        }
    }

    @Test
    void meansSpreadsAndPairedDifferences() {
        FixedTask task = new FixedTask(Map.of(
                "teacher/ir", new double[] {0.10, 0.08, 0.12},
                "student/ir", new double[] {0.11, 0.10, 0.12},
                "teacher/rgb", new double[] {0.14, 0.15, 0.13},
                "student/rgb", new double[] {0.13, 0.15, 0.12}));
        TransferStudy.Outcome o = TransferStudy.run(task, () -> null, () -> null, List.of(Modality.IR, Modality.RGB),
                List.of(0L, 1L, 2L), Path.of("."), null);
        TransferStudy.Stat t = o.stat("teacher", Modality.IR, "AP50");
        assertEquals(0.10, t.mean(), 1e-12);
        assertEquals(0.02, t.sd(), 1e-12);                          // deviations ±.02, 0: √(.0008 / 2)
        TransferStudy.Stat d = o.difference(Modality.IR, "AP50");   // per seed .01, .02, 0
        assertEquals(0.01, d.mean(), 1e-12);
        assertEquals(0.01, d.sd(), 1e-12);
        TransferStudy.Stat r = o.difference(Modality.RGB, "AP50");  // −.01, 0, −.01
        assertEquals(-0.02 / 3, r.mean(), 1e-12);
        assertEquals(Math.sqrt((2 * (0.01 / 3) * (0.01 / 3) + (0.02 / 3) * (0.02 / 3)) / 2), r.sd(), 1e-12);
        String table = o.table();
        assertTrue(table.contains("0.1000 ± 0.0200") && table.contains("0.0100 ± 0.0100"), table);
        @SuppressWarnings("unchecked")
        Map<String, Object> ir = (Map<String, Object>) ((Map<String, Object>) o.toMap(Path.of(".")).get("results")).get("ir");
        assertTrue(ir.containsKey("AP50"));
        assertTrue(Double.isNaN(TransferStudy.Stat.of(List.of(0.5)).sd()));
    }
}
