package org.univ.data.synth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One scene's geometry and materials, independent of any camera's response: what both the colour and
 * the thermal rendering start from.
 *
 * @param objects in painting order (backdrop, facades, street; farther first within a layer)
 * @param lights  every light pool, the objects' and the ego car's headlights
 * @param ambient sky/sun light on every surface
 */
record SceneLayout(Camera camera, boolean night, Backdrop.Sky sky, Backdrop.Road road,
                   List<SceneObject> objects, List<Light> lights, Rgb ambient) {

    static final Comparator<SceneObject> PAINT_ORDER = Comparator.comparing(SceneObject::layer)
            .thenComparing(SceneObject::depth, Comparator.reverseOrder());

    SceneLayout {
        objects = objects.stream().sorted(PAINT_ORDER).toList();
        List<Light> all = new ArrayList<>(lights);
        objects.forEach(o -> all.addAll(o.lights()));
        lights = List.copyOf(all);
    }

    /** Sky and ground, then every object back to front. */
    Canvas rasterize() {
        Canvas canvas = new Canvas(camera.width(), camera.height());
        Backdrop.paint(canvas, camera, sky, road);
        objects.forEach(canvas::paint);
        return canvas;
    }
}
