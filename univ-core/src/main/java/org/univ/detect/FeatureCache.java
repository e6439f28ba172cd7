package org.univ.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.univ.data.Images.Planes;
import org.univ.downstream.DenseFeatures;
import org.univ.model.Backbone;
import org.univ.model.BackboneOutput;
import org.univ.util.Tensors;

/**
 * The frozen backbone's features of a detection dataset, computed once per image and per flip: what makes the
 * frozen protocol cheap (12 runs × 400 iterations on 2 cores). Keep one cache per backbone × modality and pass it to
 * every seed's {@link DetectionTrainer#trainFrozen}; close it when done.
 *
 * <p>Entry {@code i·F + f} holds image i, mirrored when f = 1 (F = 2 with flips, else 1). The token map is stored
 * standardised per channel: with the statistics of these very features (a training set) or with given ones (a
 * validation set, standardised like its training set). Jitter in cached mode is a shift of the whole map by whole
 * tokens ({@link #shifted}), zero-padded (= the channel mean), with the boxes moved by the same pixels: the reference
 * probe's ±2-token shift. A ConvViT's stage maps are cached too when the pyramid level needs them.
 */
public final class FeatureCache implements AutoCloseable {
    private final NDManager manager;
    private final DetectionDataset dataset;
    private final int width;
    private final int height;
    private final int flips;
    private final List<NDArray> levels;       // [M·F, C_l, h_l, w_l]; level 0 the standardised token map
    private final float[] mean;
    private final float[] std;
    private final List<List<DetectionDataset.Box>> boxes; // per entry, input pixels

    private FeatureCache(NDManager manager, DetectionDataset dataset, int width, int height, int flips,
                         List<NDArray> levels, float[] mean, float[] std, List<List<DetectionDataset.Box>> boxes) {
        this.manager = manager;
        this.dataset = dataset;
        this.width = width;
        this.height = height;
        this.flips = flips;
        this.levels = levels;
        this.mean = mean;
        this.std = std;
        this.boxes = boxes;
    }

    /** Per-channel token statistics (population standard deviation, at least {@link #MIN_STD}). */
    public record Standardization(float[] mean, float[] std) {
        public static Standardization identity(int dim) {
            float[] ones = new float[dim];
            java.util.Arrays.fill(ones, 1f);
            return new Standardization(new float[dim], ones);
        }
    }

    public static final float MIN_STD = 1e-6f;

    /**
     * Runs the backbone (no gradient) on every image (and its mirror when {@code withFlips}).
     *
     * @param stats     null: standardise with these features' own statistics (a training set); else these
     * @param stageMaps also cache the backbone's stage maps (a ConvViT pyramid level at stride ≤ 8)
     * @param progress  called with the number of images done (may be null)
     */
    public static FeatureCache build(Backbone backbone, DetectionDataset dataset, DetectionImages images, int width,
                                     int height, boolean withFlips, Standardization stats, boolean stageMaps,
                                     int batch, NDManager parent, IntConsumer progress) {
        int flips = withFlips ? 2 : 1;
        NDManager manager = parent.newSubManager();
        List<NDList> parts = new ArrayList<>();
        List<List<DetectionDataset.Box>> boxes = new ArrayList<>();
        boolean done = false;
        try {
            int m = dataset.size();
            int perBatch = Math.max(1, batch / flips);
            for (int start = 0; start < m; start += perBatch) {
                int end = Math.min(m, start + perBatch);
                float[] pixels = new float[(end - start) * flips * 3 * width * height];
                int slot = 0;
                for (int i = start; i < end; i++) {
                    DetectionDataset.Sample s = dataset.get(i);
                    Planes planes = images.decode(s.image());
                    for (int f = 0; f < flips; f++) {
                        DetectionAugment.Geometry g = new DetectionAugment.Geometry(1, 0, 0, f == 1);
                        System.arraycopy(images.prepare(planes, width, height, g), 0, pixels,
                                slot++ * 3 * width * height, 3 * width * height);
                        boxes.add(DetectionAugment.apply(s.boxes(), planes.width(), planes.height(), width, height, g));
                    }
                }
                try (NDScope scope = new NDScope()) {
                    NDArray input = Tensors.fromFloats(manager, pixels, new Shape(slot, 3, height, width));
                    BackboneOutput out = backbone.forward(input);
                    DenseFeatures dense = DenseFeatures.of(out);
                    NDList kept = new NDList(dense.map().stopGradient().toType(DataType.FLOAT32, true));
                    if (stageMaps) {
                        if (dense.stageMaps().size() < 2) {
                            throw new IllegalArgumentException("the detector needs the backbone's stride-4/8 stage maps,"
                                    + " but " + backbone.config().arch() + " has " + dense.stageMaps().size());
                        }
                        kept.add(dense.stageMaps().get(1).stopGradient().toType(DataType.FLOAT32, true));
                    }
                    kept.attach(manager);
                    NDScope.unregister(kept);
                    parts.add(kept);
                }
                if (progress != null) {
                    progress.accept(end);
                }
            }
            List<NDArray> levels = new ArrayList<>();
            for (int l = 0; l < parts.get(0).size(); l++) {
                NDList level = new NDList();
                for (NDList p : parts) {
                    level.add(p.get(l));
                }
                NDArray all = level.size() == 1 ? level.get(0) : NDArrays.concat(level, 0);
                NDScope.unregister(all);
                levels.add(all);
            }
            NDArray map = levels.get(0);                                                       // [M·F, D, h, w]
            Standardization st = stats != null ? stats : statistics(map);
            int dim = (int) map.getShape().get(1);
            if (st.mean().length != dim) {
                throw new IllegalArgumentException("standardisation has " + st.mean().length + " channels, the"
                        + " features " + dim + " (statistics of another backbone?)");
            }
            NDArray standardized;
            try (NDScope scope = new NDScope()) {
                NDArray mu = manager.create(st.mean(), new Shape(1, dim, 1, 1));
                NDArray sigma = manager.create(st.std(), new Shape(1, dim, 1, 1));
                standardized = map.sub(mu).div(sigma);
                NDScope.unregister(standardized);
            }
            levels.set(0, standardized);
            java.util.Set<NDArray> live = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            live.addAll(levels);
            map.close();
            for (NDList p : parts) {
                for (NDArray a : p) {
                    if (!live.contains(a)) {
                        a.close();
                    }
                }
            }
            done = true;
            return new FeatureCache(manager, dataset, width, height, flips, levels, st.mean(), st.std(), boxes);
        } finally {
            if (!done) {
                manager.close();
            }
        }
    }

    /** Per-channel mean and population standard deviation of token maps {@code [M, D, h, w]}. */
    public static Standardization statistics(NDArray maps) {
        try (NDScope scope = new NDScope()) {
            long d = maps.getShape().get(1);
            NDArray rows = maps.transpose(1, 0, 2, 3).reshape(d, -1);                         // [D, M·h·w]
            NDArray mean = rows.mean(new int[] {1});                                         // [D]
            NDArray var = rows.sub(mean.reshape(d, 1)).square().mean(new int[] {1});
            float[] std = var.sqrt().toFloatArray();
            for (int i = 0; i < std.length; i++) {
                std[i] = Math.max(std[i], MIN_STD);
            }
            return new Standardization(mean.toFloatArray(), std);
        }
    }

    public Standardization standardization() {
        return new Standardization(mean.clone(), std.clone());
    }

    public DetectionDataset dataset() {
        return dataset;
    }

    /** Images (not entries). */
    public int size() {
        return dataset.size();
    }

    /** 2 when mirrored copies are cached, else 1. */
    public int flips() {
        return flips;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Entry index of image {@code i}, mirrored or not. */
    public int entry(int image, boolean flipped) {
        if (flipped && flips < 2) {
            throw new IllegalStateException("this cache holds no mirrored features (built without flips)");
        }
        return image * flips + (flipped ? 1 : 0);
    }

    /** Boxes of an entry, in input pixels. */
    public List<DetectionDataset.Box> boxes(int entry) {
        return boxes.get(entry);
    }

    /** Token-map rows and columns. */
    public int gridHeight() {
        return (int) levels.get(0).getShape().get(2);
    }

    public int gridWidth() {
        return (int) levels.get(0).getShape().get(3);
    }

    /**
     * Features of some entries, each moved by ({@code dx[i]}, {@code dy[i]}) tokens (content moves right / down;
     * uncovered cells are 0), as the detector's input; arrays join the caller's scope.
     */
    public DenseFeatures shifted(int[] entries, int[] dx, int[] dy) {
        List<NDArray> out = new ArrayList<>(levels.size());
        int tokens = gridWidth();
        for (NDArray level : levels) {
            long c = level.getShape().get(1);
            long h = level.getShape().get(2);
            long w = level.getShape().get(3);
            long perToken = w / tokens;                                 // cells of this level per token
            NDList parts = new NDList();
            for (int i = 0; i < entries.length; i++) {
                NDArray map = level.get(entries[i]);                                          // [C, h, w]
                parts.add(shift(map, dx[i] * perToken, dy[i] * perToken).reshape(1, c, h, w));
            }
            out.add(parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0));
        }
        return new DenseFeatures(out.get(0), out.subList(1, out.size()));
    }

    /** Features of some entries without shifts. */
    public DenseFeatures features(int[] entries) {
        List<NDArray> out = new ArrayList<>(levels.size());
        long[] idx = java.util.Arrays.stream(entries).asLongStream().toArray();
        for (NDArray level : levels) {
            out.add(level.get(new NDIndex("{}", level.getManager().create(idx))));
        }
        return new DenseFeatures(out.get(0), out.subList(1, out.size()));
    }

    /** {@code out[y, x] = map[y − dy, x − dx]}, 0 where that is outside: {@code [C, h, w]}. */
    static NDArray shift(NDArray map, long dx, long dy) {
        if (dx == 0 && dy == 0) {
            return map;
        }
        long h = map.getShape().get(1);
        long w = map.getShape().get(2);
        NDArray out = map.getManager().zeros(map.getShape(), map.getDataType());
        long srcX0 = Math.max(0, -dx);
        long srcY0 = Math.max(0, -dy);
        long dstX0 = Math.max(0, dx);
        long dstY0 = Math.max(0, dy);
        long cw = w - Math.abs(dx);
        long ch = h - Math.abs(dy);
        if (cw > 0 && ch > 0) {
            out.set(new NDIndex(":, {}:{}, {}:{}", dstY0, dstY0 + ch, dstX0, dstX0 + cw),
                    map.get(new NDIndex(":, {}:{}, {}:{}", srcY0, srcY0 + ch, srcX0, srcX0 + cw)));
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
