package org.univ.data.synth;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Procedural road scenes rendered from one layout into an aligned visible/infrared pair with a class
 * mask and boxes: a stand-in for MSRS-style data with exact labels, for tests and demos.
 *
 * <p>Pair {@code i} depends only on (seed, i, size): it is drawn from a {@link java.util.SplittableRandom}
 * seeded by a hash of both, so pairs render in any order or in parallel with byte-identical results. Night
 * pairs are spread evenly: pair i is night when {@code floor((i+1)·f) > floor(i·f)} for night fraction f.
 *
 * <pre>{@code
 * SceneGenerator g = SceneGenerator.builder().optSize(160, 128).optSeed(7).build();
 * Scene s = g.render(0);           // in memory
 * g.write(Path.of("synth"), 400);  // vi/ ir/ mask/ labels/ classes.txt train.txt val.txt
 * }</pre>
 * Classes: {@link SegClass} (mask values), {@link BoxClass} (YOLO ids, as MSRS).
 */
public final class SceneGenerator {
    /** People and cars with fewer visible pixels get no box and are ignored in the mask. */
    public static final int MIN_BOX_PIXELS = 10;

    private final int width;
    private final int height;
    private final long seed;
    private final double nightFraction;
    private final double valFraction;
    private final ThermalSensor sensor;

    private SceneGenerator(Builder b) {
        this.width = b.width;
        this.height = b.height;
        this.seed = b.seed;
        this.nightFraction = b.nightFraction;
        this.valFraction = b.valFraction;
        this.sensor = ThermalSensor.of(Noise.derive(seed, -1), width);
    }

    public static Builder builder() {
        return new Builder();
    }

    public int width() { return width; }
    public int height() { return height; }
    public long seed() { return seed; }
    public double nightFraction() { return nightFraction; }
    public double valFraction() { return valFraction; }

    /** Whether pair {@code index} is a night scene (night pairs spread evenly at the night fraction). */
    public boolean isNight(int index) {
        return Math.floor((index + 1) * nightFraction) > Math.floor(index * nightFraction);
    }

    /** The file stem of a pair: five-digit index and D (day) or N (night), as MSRS names its files. */
    public static String id(int index, boolean night) {
        return String.format(Locale.ROOT, "%05d%s", index, night ? "N" : "D");
    }

    /** Renders pair {@code index} (≥ 0). */
    public Scene render(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("pair index must be >= 0, got " + index);
        }
        boolean night = isNight(index);
        Dice dice = new Dice(Noise.derive(seed, index));
        SceneLayout layout = LayoutSampler.sample(width, height, night, dice.split());
        Canvas canvas = layout.rasterize();
        Annotator.Annotation labels = Annotator.annotate(canvas, MIN_BOX_PIXELS);
        return new Scene(id(index, night), index, night, RgbRenderer.render(canvas, layout, dice.split()),
                IrRenderer.render(canvas, sensor, dice.split()), labels.mask(), labels.boxes());
    }

    /**
     * Writes pairs 0 … {@code pairs - 1} into {@code dir} (which must not exist or be empty) in the layout of
     * the real data: {@code vi/<id>.png}, {@code ir/<id>.png}, {@code mask/<id>.png},
     * {@code labels/{visible,infrared}/<id>.txt}, {@code labels/classes.txt}, {@code classes.txt},
     * {@code train.txt}, {@code val.txt}. Pairs render in parallel.
     */
    public SynthSummary write(Path dir, int pairs) {
        return DatasetWriter.write(this, dir, pairs);
    }

    /** Defaults: 160×128, seed 0, half the pairs at night, a quarter for validation. */
    public static final class Builder {
        private int width = 160;
        private int height = 128;
        private long seed;
        private double nightFraction = 0.5;
        private double valFraction = 0.25;

        public Builder optSize(int w, int h) { width = w; height = h; return this; }
        public Builder optSeed(long v) { seed = v; return this; }
        /** Fraction of night pairs, in [0, 1]. */
        public Builder optNightFraction(double v) { nightFraction = v; return this; }
        /** Fraction of pairs listed in {@code val.txt}, in [0, 1). */
        public Builder optValFraction(double v) { valFraction = v; return this; }

        public SceneGenerator build() {
            if (width < 32 || height < 32 || width > 2048 || height > 2048) {
                throw new IllegalArgumentException("image size must be between 32 and 2048 pixels per side, got "
                        + width + "x" + height);
            }
            if (!(nightFraction >= 0 && nightFraction <= 1)) {
                throw new IllegalArgumentException("night fraction must be in [0, 1], got " + nightFraction);
            }
            if (!(valFraction >= 0 && valFraction < 1)) {
                throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + valFraction);
            }
            return new SceneGenerator(this);
        }
    }
}
