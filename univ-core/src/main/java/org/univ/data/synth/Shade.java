package org.univ.data.synth;

import java.awt.Shape;

/**
 * A cast shadow: darkens the albedo and cools what is already painted under the shape, without changing
 * its class (a car's shadow stays road).
 */
record Shade(Shape shape, float albedoFactor, float deltaCelsius) {}
