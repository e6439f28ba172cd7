package org.univ.data.synth;

/** A linear colour, channels nominally in [0, 1] (emitted light may exceed 1 and blooms). */
record Rgb(float r, float g, float b) {
    static final Rgb BLACK = new Rgb(0, 0, 0);

    static Rgb of(double r, double g, double b) {
        return new Rgb((float) r, (float) g, (float) b);
    }

    static Rgb grey(double v) {
        return of(v, v, v);
    }

    Rgb scale(double k) {
        return of(r * k, g * k, b * k);
    }

    /** {@code this·(1-t) + other·t}. */
    Rgb mix(Rgb other, double t) {
        return of(r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t);
    }

    float channel(int c) {
        return c == 0 ? r : c == 1 ? g : b;
    }

    boolean isBlack() {
        return r == 0 && g == 0 && b == 0;
    }
}
