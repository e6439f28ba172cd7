package org.univ.downstream;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.univ.data.CoAugment;
import org.univ.data.ImageDecoder;
import org.univ.data.Images.Planes;
import org.univ.data.IrScaling;
import org.univ.data.PairLayout;

/**
 * Which half of an aligned pair a downstream model sees, and what follows from it: where that half keeps its images
 * (the layout's visible or infrared folder) and its YOLO boxes ({@code labels/visible/}, {@code labels/infrared/}, as
 * in MSRS and the generated scenes), how its files are decoded and how its pixels are normalised (METHOD §5).
 */
public enum Modality {
    RGB("visible"),
    IR("infrared");

    private final String labelDir;

    Modality(String labelDir) {
        this.labelDir = labelDir;
    }

    /** {@code ir} / {@code rgb} (also {@code infrared}, {@code thermal}, {@code visible}, {@code vi}), any case. */
    public static Modality parse(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "ir": case "infrared": case "thermal": return IR;
            case "rgb": case "vi": case "visible": return RGB;
            default: throw new IllegalArgumentException("modality '" + s + "': expected ir or rgb");
        }
    }

    /** Lower-case name as the CLI, file names and JSON spell it: {@code ir}, {@code rgb}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Folder of the YOLO label files under a root: {@code labels/visible} or {@code labels/infrared}. */
    public String labelDir() {
        return "labels/" + labelDir;
    }

    /** This side's image folder in a pair layout ({@code vi}/{@code ir}, {@code visible}/{@code infrared}, …). */
    public String imageDir(PairLayout layout) {
        return this == RGB ? layout.rgbDir() : layout.irDir();
    }

    /** Image folders looked for when a root holds only one side: those of the known pair layouts. */
    public List<String> imageDirCandidates() {
        return PairLayout.KNOWN.stream().map(this::imageDir).toList();
    }

    /** This side's image folder under {@code root}: the first of {@link #imageDirCandidates} that exists, or null. */
    public Path findImageDir(Path root) {
        for (String dir : imageDirCandidates()) {
            if (Files.isDirectory(root.resolve(dir))) {
                return root.resolve(dir);
            }
        }
        return null;
    }

    /**
     * A decoded image as this side is read everywhere (pre-training included): RGB 3 planes in [0, 1]; IR one grey
     * plane (8-bit /255, wider samples by {@code irScaling}, colour files by luma). {@code source} names it in warnings.
     */
    public Planes decode(BufferedImage image, IrScaling irScaling, Object source) {
        return this == RGB ? ImageDecoder.rgb(image) : ImageDecoder.ir(image, irScaling, source);
    }

    /** Normalisation mean of this side: the backbone's RGB statistics, or the IR ones of METHOD §5. */
    public float[] mean(float[] rgbMean) {
        return this == RGB ? rgbMean.clone() : CoAugment.IR_MEAN.clone();
    }

    public float[] std(float[] rgbStd) {
        return this == RGB ? rgbStd.clone() : CoAugment.IR_STD.clone();
    }
}
