package org.univ.data.synth;

import java.util.List;

/**
 * Detection classes of the synthetic scenes, with the ids of the real MSRS labels
 * ({@code labels/classes.txt}: 0 person, 1 bicycle, 2 car) so one detector reads both. The generator
 * draws people and cars; bicycle keeps its id but has no instances.
 */
public enum BoxClass {
    PERSON(0),
    BICYCLE(1),
    CAR(2);

    private final int id;

    BoxClass(int id) {
        this.id = id;
    }

    /** The class id of a YOLO line. */
    public int id() {
        return id;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** All classes in id order, as listed in {@code labels/classes.txt}. */
    public static List<BoxClass> all() {
        return List.of(values());
    }
}
