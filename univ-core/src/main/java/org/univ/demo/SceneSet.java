package org.univ.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.univ.data.CoAugment;
import org.univ.data.DataException;
import org.univ.data.Images;

/**
 * Labelled aligned pairs held in memory: normalised RGB and IR planes and per-pixel class masks
 * ({@code vi/}, {@code ir/}, {@code mask/} with the same stem), for teacher training and linear probes.
 * Images are resized to W×H when they differ (bilinear for images, nearest for masks).
 */
public final class SceneSet {
    private final List<String> ids;
    private final float[][] rgb;
    private final float[][] ir;
    private final int[][] masks;
    private final int width;
    private final int height;

    private SceneSet(List<String> ids, float[][] rgb, float[][] ir, int[][] masks, int width, int height) {
        this.ids = ids;
        this.rgb = rgb;
        this.ir = ir;
        this.masks = masks;
        this.width = width;
        this.height = height;
    }

    /** Reads the ids listed in {@code idsFile} (one stem a line) from {@code root}. */
    public static SceneSet load(Path root, Path idsFile, int width, int height) {
        List<String> ids;
        try {
            ids = Files.readAllLines(idsFile).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new DataException("cannot read id list " + idsFile + ": " + e.getMessage(), e);
        }
        if (ids.isEmpty()) {
            throw new DataException("id list " + idsFile + " is empty");
        }
        int n = ids.size();
        float[][] rgb = new float[n][];
        float[][] ir = new float[n][];
        int[][] masks = new int[n][];
        for (int i = 0; i < n; i++) {
            String id = ids.get(i);
            rgb[i] = normalised(find(root.resolve("vi"), id), width, height, CoAugment.IMAGENET_MEAN, CoAugment.IMAGENET_STD);
            ir[i] = normalised(find(root.resolve("ir"), id), width, height, CoAugment.IR_MEAN, CoAugment.IR_STD);
            masks[i] = readMask(find(root.resolve("mask"), id), width, height);
        }
        return new SceneSet(ids, rgb, ir, masks, width, height);
    }

    private static Path find(Path dir, String id) {
        for (String ext : new String[] {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"}) {
            Path p = dir.resolve(id + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new DataException("no image for id '" + id + "' in " + dir + " (every listed id needs vi/, ir/ and mask/ files)");
    }

    private static float[] normalised(Path file, int w, int h, float[] mean, float[] std) {
        return Images.normalize(Images.resize(Images.toRgb(Images.read(file)), h, w), mean, std);
    }

    /** Class ids from a grey PNG, nearest-resized to w×h. */
    public static int[] readMask(Path file, int w, int h) {
        BufferedImage img = Images.read(file);
        Raster r = img.getRaster();
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
            int sy = Math.min(img.getHeight() - 1, (int) ((y + 0.5) * img.getHeight() / h));
            for (int x = 0; x < w; x++) {
                int sx = Math.min(img.getWidth() - 1, (int) ((x + 0.5) * img.getWidth() / w));
                out[y * w + x] = r.getSample(sx, sy, 0);
            }
        }
        return out;
    }

    public int size() {
        return ids.size();
    }

    public List<String> ids() {
        return ids;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int[] mask(int i) {
        return masks[i];
    }

    /** Images {@code [B, 3, H, W]} of one modality for the given indices, optionally mirrored. */
    public NDArray images(NDManager manager, boolean infrared, int[] indices, boolean[] flips) {
        int plane = width * height;
        float[] out = new float[indices.length * 3 * plane];
        for (int b = 0; b < indices.length; b++) {
            float[] src = (infrared ? ir : rgb)[indices[b]];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < height; y++) {
                    int row = c * plane + y * width;
                    int dst = b * 3 * plane + row;
                    if (flips != null && flips[b]) {
                        for (int x = 0; x < width; x++) {
                            out[dst + x] = src[row + width - 1 - x];
                        }
                    } else {
                        System.arraycopy(src, row, out, dst, width);
                    }
                }
            }
        }
        return org.univ.util.Tensors.fromFloats(manager, out, new Shape(indices.length, 3, height, width));
    }

    /** Masks {@code [B, H, W]} (int32) for the given indices, mirrored like {@link #images}. */
    public NDArray masks(NDManager manager, int[] indices, boolean[] flips) {
        int[] out = new int[indices.length * width * height];
        for (int b = 0; b < indices.length; b++) {
            int[] src = masks[indices[b]];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int sx = flips != null && flips[b] ? width - 1 - x : x;
                    out[(b * height + y) * width + x] = src[y * width + sx];
                }
            }
        }
        return manager.create(out, new Shape(indices.length, height, width)).toType(DataType.INT32, false);
    }

    /** All images of one modality in batches of {@code batch} (for feature extraction). */
    public List<NDArray> batches(NDManager manager, boolean infrared, int batch) {
        List<NDArray> out = new ArrayList<>();
        for (int s = 0; s < size(); s += batch) {
            int[] idx = new int[Math.min(batch, size() - s)];
            for (int k = 0; k < idx.length; k++) {
                idx[k] = s + k;
            }
            out.add(images(manager, infrared, idx, null));
        }
        return out;
    }
}
