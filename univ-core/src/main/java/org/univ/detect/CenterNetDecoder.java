package org.univ.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * Head maps → detections, as CenterNet decodes them plus class-wise NMS: class scores sigmoid(logits); a cell is a
 * peak when it equals the 3×3 max-pool of its class map (so every object yields one local maximum); the top-k peaks
 * over all classes of an image become boxes (centre (cell + offset)·stride, size exp(log-size)·stride), clipped to
 * the input image, dropped when empty; class-wise {@link Nms}; at most {@code maxDetections} per image.
 */
public final class CenterNetDecoder {
    private final int topK;
    private final double scoreThreshold;
    private final Nms nms;

    public CenterNetDecoder(DetectionConfig config) {
        this.topK = config.topK();
        this.scoreThreshold = config.scoreThreshold();
        this.nms = Nms.builder().optIouThreshold(config.nmsIou()).optMaxDetections(config.maxDetections()).build();
    }

    /**
     * Detections of every image of the batch, boxes in input pixels ({@code inputWidth × inputHeight}), highest score
     * first.
     */
    public List<List<Detection>> decode(CenterNetHead.HeadOutput out, int stride, int inputWidth, int inputHeight) {
        Shape s = out.heatmapLogits().getShape();
        int b = (int) s.get(0);
        int k = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        int plane = h * w;
        List<List<Detection>> result = new ArrayList<>(b);
        try (NDScope scope = new NDScope()) {
            NDArray heat = Activation.sigmoid(out.heatmapLogits().stopGradient());                // [B, K, h, w]
            NDArray pooled = Pool.maxPool2d(heat, new Shape(3, 3), new Shape(1, 1), new Shape(1, 1), false);
            NDArray peaks = heat.mul(pooled.eq(heat).toType(DataType.FLOAT32, false));           // non-peaks → 0
            int kept = Math.min(topK, k * plane);
            NDList top = peaks.reshape(b, (long) k * plane).topK(kept, 1, true, true);         // [B, k] each
            float[] scores = top.get(0).toFloatArray();
            long[] index = top.get(1).toType(DataType.INT64, false).toLongArray();
            float[] boxes = CenterNetLoss.decodeBoxes(out.offset().stopGradient(), out.logSize().stopGradient(), stride)
                    .toFloatArray();                                                              // [B, 4, h, w]
            NDManager m = heat.getManager();
            for (int i = 0; i < b; i++) {
                List<Detection> candidates = new ArrayList<>();
                for (int j = 0; j < kept; j++) {
                    float score = scores[i * kept + j];
                    if (!(score > 0) || score < scoreThreshold) {
                        continue;
                    }
                    long flat = index[i * kept + j];
                    int cls = (int) (flat / plane);
                    int cell = (int) (flat % plane);
                    int base = i * 4 * plane + cell;
                    double x1 = clip(boxes[base], inputWidth);
                    double y1 = clip(boxes[base + plane], inputHeight);
                    double x2 = clip(boxes[base + 2 * plane], inputWidth);
                    double y2 = clip(boxes[base + 3 * plane], inputHeight);
                    if (x2 > x1 && y2 > y1) {
                        candidates.add(new Detection(cls, score, x1, y1, x2, y2));
                    }
                }
                result.add(suppress(candidates, m));
            }
        }
        return result;
    }

    /** Class-wise NMS over one image's candidates. */
    private List<Detection> suppress(List<Detection> candidates, NDManager m) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        int n = candidates.size();
        float[] corners = new float[4 * n];
        float[] scores = new float[n];
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            Detection d = candidates.get(i);
            corners[4 * i] = (float) d.x1();
            corners[4 * i + 1] = (float) d.y1();
            corners[4 * i + 2] = (float) d.x2();
            corners[4 * i + 3] = (float) d.y2();
            scores[i] = (float) d.score();
            classes[i] = d.classIndex();
        }
        long[] keep = nms.apply(m.create(corners, new Shape(n, 4)), m.create(scores), m.create(classes));
        List<Detection> out = new ArrayList<>(keep.length);
        for (long i : keep) {
            out.add(candidates.get((int) i));
        }
        return out;
    }

    private static double clip(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
