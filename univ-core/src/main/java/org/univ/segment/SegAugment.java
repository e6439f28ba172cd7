package org.univ.segment;

import java.util.SplittableRandom;
import org.univ.data.Images;
import org.univ.data.Images.Planes;

/**
 * mmsegmentation's training pipeline for one image and its mask, with identical geometry on both:
 * {@code RandomResize} of the base size by r ~ U(scaleMin, scaleMax) (image PIL-style bilinear, mask nearest),
 * {@code RandomCrop} to the crop size with {@code cat_max_ratio} (up to 10 draws until no class covers more than that
 * share of the labelled crop pixels), {@code RandomFlip} (horizontal, probability p), normalisation, and padding to
 * the crop size (image 0 after normalisation, mask the ignore index), as {@code SegDataPreProcessor} pads.
 * No photometric distortion. The draws come only from the given random stream.
 */
public final class SegAugment {
    private static final int CROP_TRIES = 10;

    private final int height;
    private final int width;
    private final int cropHeight;
    private final int cropWidth;
    private final double scaleMin;
    private final double scaleMax;
    private final double flipProbability;
    private final double catMaxRatio;
    private final int ignoreIndex;

    private SegAugment(Builder b) {
        height = b.height;
        width = b.width;
        cropHeight = b.cropHeight > 0 ? b.cropHeight : b.height;
        cropWidth = b.cropWidth > 0 ? b.cropWidth : b.width;
        scaleMin = b.scaleMin;
        scaleMax = b.scaleMax;
        flipProbability = b.flipProbability;
        catMaxRatio = b.catMaxRatio;
        ignoreIndex = b.ignoreIndex;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * An augmented pair.
     *
     * @param image normalised {@code [3, height, width]} floats
     * @param mask  class ids, {@code height · width}
     */
    public record Sample(float[] image, int[] mask, int height, int width) {}

    public int cropHeight() {
        return cropHeight;
    }

    public int cropWidth() {
        return cropWidth;
    }

    /** Augments one image (3 planes in [0, 1]) and its mask; normalised with {@code mean}/{@code std}. */
    public Sample apply(Planes image, int[] mask, float[] mean, float[] std, SplittableRandom rng) {
        double r = scaleMin + (scaleMax - scaleMin) * rng.nextDouble();
        int sh = Math.max(1, (int) Math.round(height * r));
        int sw = Math.max(1, (int) Math.round(width * r));
        Planes scaled = Images.resize(image, sh, sw);
        int[] scaledMask = resizeNearest(mask, image.height(), image.width(), sh, sw);
        int ch = Math.min(cropHeight, sh);
        int cw = Math.min(cropWidth, sw);
        int top = 0;
        int left = 0;
        for (int attempt = 0; attempt < CROP_TRIES; attempt++) {
            top = rng.nextInt(sh - ch + 1);
            left = rng.nextInt(sw - cw + 1);
            if (catMaxRatio >= 1 || dominantShare(scaledMask, sw, top, left, ch, cw) < catMaxRatio) {
                break;
            }
        }
        boolean flip = rng.nextDouble() < flipProbability;
        Planes cropped = Images.crop(scaled, top, left, ch, cw);
        int[] croppedMask = cropMask(scaledMask, sw, top, left, ch, cw);
        if (flip) {
            cropped = Images.flip(cropped);
            croppedMask = flipMask(croppedMask, ch, cw);
        }
        return pad(Images.normalize(cropped, mean, std), croppedMask, ch, cw);
    }

    /** Largest class share among labelled pixels of a crop (0 when fewer than two classes are present, as mmseg). */
    private double dominantShare(int[] mask, int w, int top, int left, int h, int cw) {
        java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
        long labelled = 0;
        for (int y = top; y < top + h; y++) {
            for (int x = left; x < left + cw; x++) {
                int v = mask[y * w + x];
                if (v != ignoreIndex) {
                    counts.merge(v, 1, Integer::sum);
                    labelled++;
                }
            }
        }
        if (counts.size() < 2) {
            return 0;
        }
        return (double) counts.values().stream().mapToInt(Integer::intValue).max().orElse(0) / labelled;
    }

    private Sample pad(float[] image, int[] mask, int h, int w) {
        if (h == cropHeight && w == cropWidth) {
            return new Sample(image, mask, h, w);
        }
        float[] paddedImage = new float[3 * cropHeight * cropWidth];
        int[] paddedMask = new int[cropHeight * cropWidth];
        java.util.Arrays.fill(paddedMask, ignoreIndex);
        for (int y = 0; y < h; y++) {
            System.arraycopy(mask, y * w, paddedMask, y * cropWidth, w);
            for (int c = 0; c < 3; c++) {
                System.arraycopy(image, (c * h + y) * w, paddedImage, (c * cropHeight + y) * cropWidth, w);
            }
        }
        return new Sample(paddedImage, paddedMask, cropHeight, cropWidth);
    }

    /** Nearest-neighbour resize of a class map as OpenCV's {@code INTER_NEAREST} does it: source {@code ⌊dst · in/out⌋}. */
    public static int[] resizeNearest(int[] mask, int h, int w, int outH, int outW) {
        if (h == outH && w == outW) {
            return mask;
        }
        int[] out = new int[outH * outW];
        int[] cols = new int[outW];
        for (int x = 0; x < outW; x++) {
            cols[x] = Math.min(w - 1, (int) Math.floor((double) x * w / outW));
        }
        for (int y = 0; y < outH; y++) {
            int sy = Math.min(h - 1, (int) Math.floor((double) y * h / outH));
            for (int x = 0; x < outW; x++) {
                out[y * outW + x] = mask[sy * w + cols[x]];
            }
        }
        return out;
    }

    public static int[] cropMask(int[] mask, int w, int top, int left, int h, int cw) {
        int[] out = new int[h * cw];
        for (int y = 0; y < h; y++) {
            System.arraycopy(mask, (top + y) * w + left, out, y * cw, cw);
        }
        return out;
    }

    public static int[] flipMask(int[] mask, int h, int w) {
        int[] out = new int[mask.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = mask[y * w + w - 1 - x];
            }
        }
        return out;
    }

    /**
     * Settings. Required: {@link #setSize} (the base scale, H×W). Defaults as mmseg's ADE/Cityscapes pipelines:
     * crop = size, scale U(0.5, 2.0), flip 0.5, cat_max_ratio 0.75, ignore 255.
     */
    public static final class Builder {
        private int height;
        private int width;
        private int cropHeight;
        private int cropWidth;
        private double scaleMin = 0.5;
        private double scaleMax = 2.0;
        private double flipProbability = 0.5;
        private double catMaxRatio = 0.75;
        private int ignoreIndex = 255;

        public Builder setSize(int h, int w) { height = h; width = w; return this; }
        public Builder optCrop(int h, int w) { cropHeight = h; cropWidth = w; return this; }
        public Builder optScaleRange(double min, double max) { scaleMin = min; scaleMax = max; return this; }
        public Builder optFlipProbability(double p) { flipProbability = p; return this; }
        /** 1 disables the check. */
        public Builder optCatMaxRatio(double v) { catMaxRatio = v; return this; }
        public Builder optIgnoreIndex(int v) { ignoreIndex = v; return this; }

        public SegAugment build() {
            if (height <= 0 || width <= 0) {
                throw new IllegalArgumentException("setSize(H, W) is required and must be positive, got " + height + "x" + width);
            }
            if (!(scaleMin > 0) || scaleMax < scaleMin) {
                throw new IllegalArgumentException("scale range must satisfy 0 < min <= max, got " + scaleMin + ".." + scaleMax);
            }
            if (flipProbability < 0 || flipProbability > 1 || !(catMaxRatio > 0)) {
                throw new IllegalArgumentException("flip probability must be in [0, 1] and cat_max_ratio > 0");
            }
            if (cropHeight < 0 || cropWidth < 0) {
                throw new IllegalArgumentException("crop size must be positive, got " + cropHeight + "x" + cropWidth);
            }
            return new SegAugment(this);
        }
    }
}
