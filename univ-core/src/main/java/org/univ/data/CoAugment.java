package org.univ.data;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.univ.data.Images.Planes;

/**
 * Co-augmentation of a pair (METHOD §5): identical geometry on both images, no colour change.
 * <ol>
 *   <li>An IR image whose size differs from its RGB image is first resized to the RGB size (warned once per root).</li>
 *   <li>Crop with side ratio r of the RGB size, aspect kept: {@code h = round(r·H)}, {@code w = round(r·W)}, top-left
 *       uniform over the valid positions; r = u (mode {@code UNIFORM}, METHOD §5) or √u (mode {@code SQRT}, the
 *       reference recipe) with u ~ U(cropMin, cropMax), default U(0.4, 1).</li>
 *   <li>PIL-style bilinear (antialiased) resize of the crop to the training size, horizontal flip with probability
 *       0.5, then {@code (x − mean) / std}: RGB ImageNet statistics, IR 0.5338 / 0.2519 on its 3 identical channels.</li>
 * </ol>
 * The random draws (u, top, left, flip, in that order) come from a stream that is a pure function of
 * (seed, epoch, index), so a sample is the same whatever thread builds it and after a resume. Thread-safe.
 */
public final class CoAugment {
    private static final Logger LOG = LoggerFactory.getLogger(CoAugment.class);
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    public static final float[] IR_MEAN = {0.5338f, 0.5338f, 0.5338f};
    public static final float[] IR_STD = {0.2519f, 0.2519f, 0.2519f};

    /** How the side ratio follows from u ~ U(cropMin, cropMax). */
    public enum CropRatioMode {
        /** r = u (METHOD §5). */
        UNIFORM,
        /** r = √u (the reference recipe of METHOD §6, milder crops). */
        SQRT;

        public static CropRatioMode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("crop ratio mode '" + s + "': expected uniform or sqrt", e);
            }
        }
    }

    /** The geometry of one sample, in RGB pixels: crop {@code [top, left, height, width]}, then flip or not. */
    public record CropPlan(int top, int left, int height, int width, boolean flip) {}

    /** One augmented, normalised pair: {@code rgb} and {@code ir} are {@code [3, height, width]}. */
    public record Sample(float[] rgb, float[] ir, int height, int width, CropPlan plan) {}

    private final int outHeight;
    private final int outWidth;
    private final double cropMin;
    private final double cropMax;
    private final CropRatioMode mode;
    private final double flipProbability;
    private final float[] rgbMean;
    private final float[] rgbStd;
    private final float[] irMean;
    private final float[] irStd;
    private final IrScaling irScaling;
    private final Set<Path> resizedRoots = ConcurrentHashMap.newKeySet();
    private final AtomicLong resizedPairs = new AtomicLong();

    private CoAugment(Builder b) {
        outHeight = b.height;
        outWidth = b.width;
        cropMin = b.cropMin;
        cropMax = b.cropMax;
        mode = b.mode;
        flipProbability = b.flipProbability;
        rgbMean = b.rgbMean;
        rgbStd = b.rgbStd;
        irMean = b.irMean;
        irStd = b.irStd;
        irScaling = b.irScaling;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int height() {
        return outHeight;
    }

    public int width() {
        return outWidth;
    }

    /** Floats of one normalised image: {@code 3 · height · width}. */
    public int sampleLength() {
        return 3 * outHeight * outWidth;
    }

    public IrScaling irScaling() {
        return irScaling;
    }

    /** Pairs whose IR image had to be resized to the RGB size so far. */
    public long resizedIrPairs() {
        return resizedPairs.get();
    }

    /** Roots where that happened (each warned about once). */
    public Set<Path> resizedIrRoots() {
        return Set.copyOf(resizedRoots);
    }

    /** The crop and flip of sample {@code index} of {@code epoch} for an RGB image of {@code height × width}. */
    public CropPlan plan(long seed, long epoch, long index, int height, int width) {
        SplittableRandom rng = Seeds.random(Seeds.AUGMENT, seed, epoch, index);
        double u = cropMin + (cropMax - cropMin) * rng.nextDouble();
        double r = mode == CropRatioMode.SQRT ? Math.sqrt(u) : u;
        int h = Math.max(1, Math.min(height, (int) Math.round(r * height)));
        int w = Math.max(1, Math.min(width, (int) Math.round(r * width)));
        int top = rng.nextInt(height - h + 1);
        int left = rng.nextInt(width - w + 1);
        boolean flip = rng.nextDouble() < flipProbability;
        return new CropPlan(top, left, h, w, flip);
    }

    /** Decodes and augments a pair into new arrays. */
    public Sample apply(Pair pair, long seed, long epoch, long index) {
        float[] rgb = new float[sampleLength()];
        float[] ir = new float[sampleLength()];
        CropPlan plan = apply(pair, seed, epoch, index, rgb, ir, 0);
        return new Sample(rgb, ir, outHeight, outWidth, plan);
    }

    /**
     * Decodes and augments a pair into slot {@code slot} of batch buffers {@code [B, 3, height, width]}; decoding
     * failures throw an {@link ImageException} naming the file, before anything is written.
     */
    public CropPlan apply(Pair pair, long seed, long epoch, long index, float[] rgbOut, float[] irOut, int slot) {
        return apply(ImageDecoder.read(pair.rgbPath()), ImageDecoder.read(pair.irPath()), pair, seed, epoch, index, rgbOut, irOut, slot);
    }

    /** Augments an already decoded pair (e.g. from an {@link ImageCache}); {@code pair} names it in warnings. */
    public CropPlan apply(BufferedImage rgb, BufferedImage ir, Pair pair, long seed, long epoch, long index,
                          float[] rgbOut, float[] irOut, int slot) {
        CropPlan plan = plan(seed, epoch, index, rgb.getHeight(), rgb.getWidth());
        augment(rgb, ir, plan, pair, rgbOut, irOut, slot);
        return plan;
    }

    /** Per loader thread: crops and resize intermediates reuse these buffers instead of making multi-MB garbage per pair. */
    private static final ThreadLocal<Images.Scratch> SCRATCH = ThreadLocal.withInitial(Images.Scratch::new);

    private void augment(BufferedImage rgbImage, BufferedImage irImage, CropPlan plan, Pair pair, float[] rgbOut, float[] irOut, int slot) {
        int height = rgbImage.getHeight();
        int width = rgbImage.getWidth();
        Images.Scratch scratch = SCRATCH.get();
        Planes rgbCrop = ImageDecoder.rgb(rgbImage, plan.top(), plan.left(), plan.height(), plan.width(), scratch);
        Planes irCrop; // [1, h, w]; crop before resizing, so only the crop is converted and resampled
        if (irImage.getHeight() == height && irImage.getWidth() == width) {
            irCrop = ImageDecoder.ir(irImage, irScaling, pair.irPath(), plan.top(), plan.left(), plan.height(), plan.width(),
                    scratch);
        } else {
            resizedPairs.incrementAndGet();
            if (resizedRoots.add(pair.root())) {
                LOG.warn("{}: IR image is {}×{} but RGB is {}×{} (pair {}); IR images of this root that differ are resized"
                        + " to the RGB size before cropping (reported once per root)", pair.root(), irImage.getWidth(),
                        irImage.getHeight(), width, height, pair.id());
            }
            Planes irGrey = Images.resize(ImageDecoder.ir(irImage, irScaling, pair.irPath()), height, width);
            irCrop = Images.crop(irGrey, plan.top(), plan.left(), plan.height(), plan.width());
        }
        int off = slot * sampleLength();
        // each resize result is normalised before the next resize reuses the scratch buffers
        Images.normalize(Images.resize(rgbCrop, outHeight, outWidth, scratch), rgbMean, rgbStd, plan.flip(), rgbOut, off);
        Images.normalize(Images.resize(irCrop, outHeight, outWidth, scratch), irMean, irStd, plan.flip(), irOut, off);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CoAugment[%dx%d, crop side %sU(%.3g, %.3g), flip %.2g, IR %s]", outWidth, outHeight,
                mode == CropRatioMode.SQRT ? "sqrt " : "", cropMin, cropMax, flipProbability, irScaling);
    }

    /** {@code setSize} required; everything else optional with the METHOD §5 defaults. */
    public static final class Builder {
        private int height;
        private int width;
        private double cropMin = 0.4;
        private double cropMax = 1.0;
        private CropRatioMode mode = CropRatioMode.UNIFORM;
        private double flipProbability = 0.5;
        private float[] rgbMean = IMAGENET_MEAN;
        private float[] rgbStd = IMAGENET_STD;
        private float[] irMean = IR_MEAN;
        private float[] irStd = IR_STD;
        private IrScaling irScaling = IrScaling.minMax();

        private Builder() {}

        /** Square training size S × S. */
        public Builder setSize(int size) {
            return setSize(size, size);
        }

        public Builder setSize(int width, int height) {
            if (width < 1 || height < 1) {
                throw new IllegalArgumentException("training size must be positive, got " + width + "×" + height);
            }
            this.width = width;
            this.height = height;
            return this;
        }

        /** Bounds of u ~ U(min, max), 0 < min ≤ max ≤ 1 ({@code 1, 1} = no crop). */
        public Builder optCropScale(double min, double max) {
            if (!(min > 0 && min <= max && max <= 1)) {
                throw new IllegalArgumentException("crop scale must satisfy 0 < min ≤ max ≤ 1, got " + min + ", " + max);
            }
            cropMin = min;
            cropMax = max;
            return this;
        }

        public Builder optCropRatioMode(CropRatioMode m) {
            mode = java.util.Objects.requireNonNull(m);
            return this;
        }

        public Builder optFlipProbability(double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("flip probability must be in [0, 1], got " + p);
            }
            flipProbability = p;
            return this;
        }

        public Builder optRgbNormalization(float[] mean, float[] std) {
            rgbMean = perChannel(mean, "RGB mean");
            rgbStd = positive(perChannel(std, "RGB std"), "RGB std");
            return this;
        }

        /** One value (used on the 3 identical channels) or three. */
        public Builder optIrNormalization(float[] mean, float[] std) {
            irMean = perChannel(mean, "IR mean");
            irStd = positive(perChannel(std, "IR std"), "IR std");
            return this;
        }

        public Builder optIrScaling(IrScaling s) {
            irScaling = java.util.Objects.requireNonNull(s);
            return this;
        }

        public CoAugment build() {
            if (width == 0) {
                throw new IllegalStateException("CoAugment needs setSize (the training size)");
            }
            return new CoAugment(this);
        }

        private static float[] perChannel(float[] v, String what) {
            if (v.length == 1) {
                return new float[] {v[0], v[0], v[0]};
            }
            if (v.length != 3) {
                throw new IllegalArgumentException(what + " needs 1 or 3 values, got " + v.length);
            }
            return v.clone();
        }

        private static float[] positive(float[] v, String what) {
            for (float x : v) {
                if (!(x > 0)) {
                    throw new IllegalArgumentException(what + " must be positive, got " + java.util.Arrays.toString(v));
                }
            }
            return v;
        }
    }
}
