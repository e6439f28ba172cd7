package org.univ.segment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.univ.data.CoAugment;
import org.univ.data.PairLayout;

/** Which image of a pair a downstream model sees, with that side's folders and normalisation (METHOD §5). */
public enum Modality {
    RGB(CoAugment.IMAGENET_MEAN, CoAugment.IMAGENET_STD),
    IR(CoAugment.IR_MEAN, CoAugment.IR_STD);

    private final float[] mean;
    private final float[] std;

    Modality(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
    }

    /** {@code rgb} (also {@code vi}, {@code visible}) or {@code ir} (also {@code infrared}, {@code thermal}). */
    public static Modality parse(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "rgb": case "vi": case "visible": return RGB;
            case "ir": case "infrared": case "thermal": return IR;
            default: throw new IllegalArgumentException("modality '" + s + "': expected ir or rgb");
        }
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This side's folder in a layout ({@code vi}/{@code ir}, {@code visible}/{@code infrared}, …). */
    public String folder(PairLayout layout) {
        return this == RGB ? layout.rgbDir() : layout.irDir();
    }

    /** This side's image folder under {@code root}: the first known layout's folder that exists, or null. */
    public Path findFolder(Path root) {
        for (PairLayout l : PairLayout.KNOWN) {
            Path dir = root.resolve(folder(l));
            if (Files.isDirectory(dir)) {
                return dir;
            }
        }
        return null;
    }

    /** The folder names {@link #findFolder} looks for, for messages. */
    public List<String> folderNames() {
        return PairLayout.KNOWN.stream().map(this::folder).toList();
    }
}
