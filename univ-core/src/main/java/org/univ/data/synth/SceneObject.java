package org.univ.data.synth;

import java.util.List;

/**
 * One thing in a scene, ready to rasterise: its parts back to front, the shadows it casts, the light it
 * sheds, and the box class it is labelled with ({@code null}: no box).
 *
 * @param depth distance from the camera in metres; within a layer, farther objects are painted first
 */
record SceneObject(Layer layer, float depth, BoxClass boxClass, List<Shade> shades, List<Part> parts,
                   List<Light> lights) {

    /** Painting layers: the far backdrop, then roadside facades (behind everything on the street), then the street. */
    enum Layer { BACKDROP, FACADE, STREET }

    SceneObject {
        shades = List.copyOf(shades);
        parts = List.copyOf(parts);
        lights = List.copyOf(lights);
    }

    static SceneObject of(Layer layer, float depth, List<Part> parts) {
        return new SceneObject(layer, depth, null, List.of(), parts, List.of());
    }
}
