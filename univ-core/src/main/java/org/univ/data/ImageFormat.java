package org.univ.data;

import java.awt.color.ColorSpace;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.SampleModel;

/**
 * What a file stores per pixel: bits per sample, colour channels (alpha not counted), palette, float samples.
 * {@link #label()} gives the short form the data check prints: {@code 8-bit grey}, {@code 16-bit grey},
 * {@code 8-bit RGB}, {@code 8-bit RGBA}, {@code 8-bit indexed}, {@code 32-bit float grey}…
 */
public record ImageFormat(int bits, int channels, boolean alpha, boolean indexed, boolean floating, boolean rgbOrGrey) {

    static ImageFormat of(ColorModel cm, SampleModel sm) {
        boolean floating = sm.getDataType() == DataBuffer.TYPE_FLOAT || sm.getDataType() == DataBuffer.TYPE_DOUBLE;
        if (cm == null) {
            int bands = sm.getNumBands();
            return new ImageFormat(sm.getSampleSize(0), bands, false, false, floating, bands == 1 || bands == 3);
        }
        if (cm instanceof IndexColorModel) {
            return new ImageFormat(sm.getSampleSize(0), 3, cm.hasAlpha(), true, false, true);
        }
        int channels = cm.getNumColorComponents();
        int csType = cm.getColorSpace().getType();
        boolean rgbOrGrey = (channels == 1 && csType == ColorSpace.TYPE_GRAY) || (channels == 3 && csType == ColorSpace.TYPE_RGB);
        return new ImageFormat(cm.getComponentSize(0), channels, cm.hasAlpha(), false, floating, rgbOrGrey);
    }

    /** Samples wider than 8 bits (or float): infrared ones go through {@link IrScaling}. */
    public boolean wide() {
        return floating || bits > 8;
    }

    public String label() {
        String depth = bits + "-bit " + (floating ? "float " : "");
        if (indexed) {
            return depth + "indexed";
        }
        String kind;
        if (!rgbOrGrey) {
            kind = channels + "-channel";
        } else {
            kind = channels == 1 ? "grey" : "RGB";
        }
        if (alpha) {
            kind += channels == 1 ? "+alpha" : "A";
        }
        return depth + kind;
    }

    @Override
    public String toString() {
        return label();
    }
}
