package org.univ.model;

import java.util.Locale;
import java.util.StringJoiner;

/** Comma-separated float lists as stored in checkpoint metadata. */
public final class Floats {
    private Floats() {}

    public static String join(float[] v) {
        StringJoiner j = new StringJoiner(",");
        for (float x : v) {
            j.add(String.format(Locale.ROOT, "%s", x));
        }
        return j.toString();
    }

    public static float[] parse(String s) {
        String[] parts = s.split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Float.parseFloat(parts[i].trim());
        }
        return v;
    }
}
