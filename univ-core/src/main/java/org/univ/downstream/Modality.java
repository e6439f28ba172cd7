package org.univ.downstream;

import java.util.List;
import java.util.Locale;
import org.univ.data.CoAugment;
import org.univ.data.PairLayout;

/**
 * Which half of an aligned pair a downstream task looks at, and where that half keeps its images and labels:
 * RGB images in the layout's visible folder with boxes in {@code labels/visible/}, IR images in its infrared
 * folder with boxes in {@code labels/infrared/} (MSRS, the project's generated scenes).
 */
public enum Modality {
    RGB("visible"),
    IR("infrared");

    private final String labelDir;

    Modality(String labelDir) {
        this.labelDir = labelDir;
    }

    /** {@code ir} / {@code rgb} (also {@code infrared}, {@code visible}, {@code vi}), any case. */
    public static Modality parse(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "ir": case "infrared": case "thermal": return IR;
            case "rgb": case "vi": case "visible": return RGB;
            default: throw new IllegalArgumentException("modality '" + s + "': expected ir or rgb");
        }
    }

    /** Folder of the YOLO label files under a root: {@code labels/visible} or {@code labels/infrared}. */
    public String labelDir() {
        return "labels/" + labelDir;
    }

    /** This side's image folder in a pair layout. */
    public String imageDir(PairLayout layout) {
        return this == RGB ? layout.rgbDir() : layout.irDir();
    }

    /** Image folders looked for when a root holds only one side: those of the known pair layouts. */
    public List<String> imageDirCandidates() {
        return PairLayout.KNOWN.stream().map(this::imageDir).toList();
    }

    /** Normalisation of this side's images: the backbone's RGB statistics, or the IR ones of METHOD §5. */
    public float[] mean(float[] rgbMean) {
        return this == RGB ? rgbMean.clone() : CoAugment.IR_MEAN.clone();
    }

    public float[] std(float[] rgbStd) {
        return this == RGB ? rgbStd.clone() : CoAugment.IR_STD.clone();
    }

    /** Lower-case name as the CLI spells it. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
