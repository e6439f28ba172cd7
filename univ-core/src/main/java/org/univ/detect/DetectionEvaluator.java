package org.univ.detect;

import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.univ.eval.CocoDetection;
import org.univ.eval.CocoEval;
import org.univ.eval.CocoResult;

/**
 * Runs a trained {@link Detector} over a dataset and scores it as COCO does: detections decoded at the input size
 * ({@link CenterNetDecoder}), scaled back to every image's own size, written with the dataset's COCO image and
 * category ids, evaluated by {@link CocoEval} against {@link DetectionDataset#groundTruth()}.
 */
public final class DetectionEvaluator {
    private static final int BATCH = 16;

    private DetectionEvaluator() {}

    /** Detections of every (unmirrored) image of a cache whose standardisation matches the detector's. */
    public static List<CocoDetection> predict(Detector detector, FeatureCache cache, DetectionConfig config,
                                              IntConsumer progress) {
        CenterNetDecoder decoder = new CenterNetDecoder(config);
        DetectionDataset data = cache.dataset();
        List<CocoDetection> out = new ArrayList<>();
        for (int start = 0; start < data.size(); start += BATCH) {
            int end = Math.min(data.size(), start + BATCH);
            int[] entries = new int[end - start];
            for (int i = start; i < end; i++) {
                entries[i - start] = cache.entry(i, false);
            }
            List<List<Detection>> found;
            try (NDScope scope = new NDScope()) {
                found = decoder.decode(detector.forward(cache.features(entries)), detector.stride(), cache.width(),
                        cache.height());
            }
            for (int i = start; i < end; i++) {
                out.addAll(toCoco(data, i, found.get(i - start), cache.width(), cache.height()));
            }
            if (progress != null) {
                progress.accept(end);
            }
        }
        return out;
    }

    /** One image's detections (input pixels of a {@code width × height} input) as COCO results in its own pixels. */
    public static List<CocoDetection> toCoco(DetectionDataset data, int index, List<Detection> detections, int width,
                                             int height) {
        DetectionDataset.Sample s = data.get(index);
        double sx = (double) s.width() / width;
        double sy = (double) s.height() / height;
        List<CocoDetection> out = new ArrayList<>(detections.size());
        for (Detection d : detections) {
            out.add(d.scaled(sx, sy).toCoco(s.imageId(), data.categoryId(d.classIndex())));
        }
        return out;
    }

    public static CocoResult evaluate(DetectionDataset data, List<CocoDetection> detections) {
        return CocoEval.evaluate(data.groundTruth(), detections);
    }
}
