package org.univ.downstream;

/**
 * The one class palette of every picture (boxes, segmentation overlays, report legends), so a class has the same
 * colour everywhere: the eight Okabe–Ito colours (distinguishable with the common colour-vision deficiencies; black
 * replaced by a mid grey that shows on dark IR images), then golden-ratio hue steps for more classes.
 */
public final class ClassColours {
    private static final int[] OKABE_ITO = {
        0xE69F00, 0x56B4E9, 0x009E73, 0xF0E442, 0x0072B2, 0xD55E00, 0xCC79A7, 0x999999
    };

    private ClassColours() {}

    /** The colour of class {@code classId} (≥ 0) as {@code 0xRRGGBB}; distinct for the first eight classes. */
    public static int rgb(int classId) {
        if (classId < 0) {
            throw new IllegalArgumentException("class id must be >= 0, got " + classId);
        }
        if (classId < OKABE_ITO.length) {
            return OKABE_ITO[classId];
        }
        float hue = (float) ((classId * 0.618033988749895) % 1.0);
        float brightness = classId % 2 == 0 ? 0.95f : 0.75f;
        return java.awt.Color.HSBtoRGB(hue, 0.7f, brightness) & 0xFFFFFF;
    }
}
