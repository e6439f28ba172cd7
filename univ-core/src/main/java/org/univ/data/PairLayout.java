package org.univ.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Where a root keeps its visible and its infrared images: two folders, relative to the root. */
public record PairLayout(String rgbDir, String irDir) {
    /** MSRS, RoadScene, this project's shared data. */
    public static final PairLayout VI_IR = new PairLayout("vi", "ir");
    /** LLVIP. */
    public static final PairLayout VISIBLE_INFRARED = new PairLayout("visible", "infrared");
    /** The authors' MVIP folders. */
    public static final PairLayout MVIP = new PairLayout("vi_images/training", "images/training");
    /** The layouts {@link #detect} looks for, in this order. */
    public static final List<PairLayout> KNOWN = List.of(VI_IR, VISIBLE_INFRARED, MVIP);

    public PairLayout {
        if (rgbDir == null || irDir == null || rgbDir.isBlank() || irDir.isBlank() || rgbDir.equals(irDir)) {
            throw new IllegalArgumentException("a pair layout needs two different folders (RGB, IR), got '" + rgbDir + "', '" + irDir + "'");
        }
    }

    /** {@code vi-ir}, {@code visible-infrared}, {@code mvip}, or two folders {@code RGBDIR,IRDIR} relative to the root. */
    public static PairLayout parse(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "vi-ir": return VI_IR;
            case "visible-infrared": return VISIBLE_INFRARED;
            case "mvip": return MVIP;
            default: break;
        }
        String[] parts = s.split(",", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("layout '" + s + "': expected vi-ir, visible-infrared, mvip or two folders"
                    + " 'RGBDIR,IRDIR' relative to the root");
        }
        return new PairLayout(parts[0].trim(), parts[1].trim());
    }

    /** The known layouts whose two folders both exist under {@code root}. */
    public static List<PairLayout> detect(Path root) {
        List<PairLayout> found = new ArrayList<>();
        for (PairLayout l : KNOWN) {
            if (l.exists(root)) {
                found.add(l);
            }
        }
        return found;
    }

    public boolean exists(Path root) {
        return Files.isDirectory(root.resolve(rgbDir)) && Files.isDirectory(root.resolve(irDir));
    }

    @Override
    public String toString() {
        return rgbDir + "/ + " + irDir + "/";
    }
}
