package org.univ.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.univ.Shared;
import org.univ.downstream.Modality;
import org.univ.eval.SegMetrics;
import org.univ.model.ViTConfig;
import org.univ.model.VisionTransformer;

/** The real-data path on the 8 MSRS person masks (0/255): train on 5, score on 3 (a smoke test, no threshold). */
class RealMasksSmokeTest {

    @Test
    void trainsOnFiveMsrsMasksAndScoresThree() {
        Path root = Shared.require("data/msrs_masks");
        SegDataset all = SegDataset.builder().setRoot(root).setModality(Modality.IR).optLabelMap(LabelMap.parse("255:1"))
                .optClasses(SegClasses.parse("background,person")).load();
        assertEquals(8, all.size());
        List<String> ids = all.items().stream().map(SegDataset.Item::id).toList();
        SegDataset train = all.subset(ids.subList(0, 5));
        SegDataset val = all.subset(ids.subList(5, 8));
        // a tiny random ViT keeps this well under a minute; the CLI run with DeiT-Tiny is in the report
        ViTConfig config = ViTConfig.builder().setEmbedDim(32).setDepth(2).setNumHeads(2).optImgSize(64).build();
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(config, m)) {
            vit.module().initialize(0);
            SegTrainer.Trained t = SegTrainer.builder().setSize(96, 128).optIterations(10).optBatchSize(2).optChannels(16)
                    .build().train(vit, train, m, null);
            try (SegHead head = t.head(); UnivSegmentation seg = UnivSegmentation.of(vit, head, t.info())) {
                SegMetrics.Result r = SegEvaluation.evaluate(seg, val, null);
                for (double v : new double[] {r.aAcc(), r.mIoU(), r.mAcc()}) {
                    assertTrue(Double.isFinite(v) && v >= 0 && v <= 1, "metric " + v);
                }
                assertEquals(2, r.iou().length);
                String table = r.table(val.classes().toArray());
                assertTrue(table.contains("| background") && table.contains("| person"), table);
                assertEquals(640L * 480 * 3, java.util.Arrays.stream(r.areaLabel()).sum());
            }
        }
    }
}
