package org.univ.data.synth;

import java.util.Arrays;
import java.util.List;

/**
 * Segmentation classes of the synthetic scenes: the pixel values of {@code mask/<id>.png}, listed in
 * {@code classes.txt} as {@code "<id> <name>"}. {@link #UNLABELLED} (255) marks pixels to ignore: one-pixel
 * bands around people and cars (the cameras blur across them), street-lamp poles, and fragments of
 * people or cars too occluded to get a box.
 */
public enum SegClass {
    SKY(0),
    /** Any paved ground: carriageway, lane markings, pavement and gravel shoulders. */
    ROAD(1),
    /** Trees (trunks and crowns), bushes, grass and distant tree lines. */
    VEGETATION(2),
    BUILDING(3),
    CAR(4),
    PERSON(5),
    UNLABELLED(255);

    /** Mask value of ignored pixels. */
    public static final int IGNORE = 255;

    private final int id;

    SegClass(int id) {
        this.id = id;
    }

    /** The mask value. */
    public int id() {
        return id;
    }

    /** Lower-case name as written in {@code classes.txt}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The labelled classes in id order (everything but {@link #UNLABELLED}). */
    public static List<SegClass> labelled() {
        return Arrays.stream(values()).filter(c -> c != UNLABELLED).toList();
    }
}
