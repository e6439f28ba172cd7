package org.univ.segment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.univ.eval.SegMetrics;

/** Scores a {@link UnivSegmentation} on a labelled dataset with mmseg's metrics ({@link SegMetrics}), at each image's own size. */
public final class SegEvaluation {
    private SegEvaluation() {}

    /**
     * Predicts every image and accumulates intersection/union over the whole dataset.
     *
     * @param progress called with the number of images done, may be null
     */
    public static SegMetrics.Result evaluate(UnivSegmentation model, SegDataset data, IntConsumer progress) {
        if (model.classes().size() != data.classes().size()) {
            throw new IllegalArgumentException("the head predicts " + model.classes().size() + " classes "
                    + model.classes().names() + " but the data " + data.source() + " has " + data.classes().size() + " "
                    + data.classes().names() + "; evaluate with the class list the head was trained on");
        }
        if (model.info().modality() != data.modality()) {
            throw new IllegalArgumentException("the head was trained on " + model.info().modality().key()
                    + " images but the data are " + data.modality().key() + "; pass --modality "
                    + model.info().modality().key() + " or a head trained on " + data.modality().key());
        }
        SegMetrics metrics = new SegMetrics(data.classes().size(), data.ignoreIndex());
        for (int i = 0; i < data.size(); i++) {
            SegDataset.Item item = data.get(i);
            metrics.add(model.predict(item.image()), item.mask());
            if (progress != null) {
                progress.accept(i + 1);
            }
        }
        return metrics.result();
    }

    /** The scores for JSON: aAcc/mIoU/mAcc and a per-class table ({@code class}, {@code IoU}, {@code Acc}; NaN → null). */
    public static Map<String, Object> toMap(SegMetrics.Result r, SegClasses classes) {
        Map<String, Object> out = new LinkedHashMap<>(r.toMap());
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", classes.name(c));
            row.put("IoU", Double.isFinite(r.iou()[c]) ? r.iou()[c] : null);
            row.put("Acc", Double.isFinite(r.acc()[c]) ? r.acc()[c] : null);
            perClass.add(row);
        }
        out.put("per_class", perClass);
        return out;
    }
}
