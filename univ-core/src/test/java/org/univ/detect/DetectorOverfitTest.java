package org.univ.detect;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.TestModels;
import org.univ.data.RootSpec;
import org.univ.downstream.Modality;
import org.univ.eval.CocoDetection;
import org.univ.eval.CocoResult;
import org.univ.model.VisionTransformer;

/** A tiny detector on a tiny random ViT learns a few generated images (bright squares and bars) by heart. */
class DetectorOverfitTest {
    @TempDir
    Path dir;

    @Test
    void overfitsGeneratedSquaresToAp50AboveNinety() {
        DetectionScenes.write(dir, 8, 96, 64, 3);
        DetectionDataset data = DetectionDataset.yolo(RootSpec.of(dir), Modality.IR);
        DetectionConfig config = DetectionConfig.builder().optSize(96, 64).optChannels(32).optIterations(200)
                .optBatch(8).optLr(5e-3).optWarmup(10).optShiftTokens(1).build();
        try (NDManager m = NDManager.newBaseManager();
             VisionTransformer backbone = new VisionTransformer(TestModels.tinyVit(), m)) {
            backbone.initialize(7);
            DetectionImages images = DetectionImages.of(Modality.IR, backbone.config());
            List<Double> losses = new ArrayList<>();
            try (FeatureCache train = FeatureCache.build(backbone, data, images, 96, 64, true, null, false, 16, m, null);
                 Detector detector = Detector.forBackbone(m, backbone, data.numClasses(), config)) {
                long t0 = System.nanoTime();
                DetectionTrainer.trainFrozen(detector, train, config, 1, s -> losses.add(s.loss()));
                System.out.printf("200 steps in %.1f s; loss %.3f → %.3f%n", (System.nanoTime() - t0) / 1e9,
                        losses.get(0), losses.get(losses.size() - 1));
                try (FeatureCache eval = FeatureCache.build(backbone, data, images, 96, 64, false,
                        train.standardization(), false, 16, m, null)) {
                    List<CocoDetection> found = DetectionEvaluator.predict(detector, eval, config, null);
                    CocoResult r = DetectionEvaluator.evaluate(data, found);
                    System.out.println(r.summary());
                    assertTrue(r.stat("AP50") > 0.9, r.summary());
                }
            }
        }
    }
}
