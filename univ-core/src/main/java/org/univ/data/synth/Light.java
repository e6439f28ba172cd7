package org.univ.data.synth;

/**
 * A light pool in image space (street lamp, headlight beam): adds {@code colour · exp(-d²/2)} of
 * illumination, with d the elliptical distance in units of the radii.
 */
record Light(float x, float y, float radiusX, float radiusY, Rgb colour) {}
