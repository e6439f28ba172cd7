package org.univ.data.synth;

import java.util.List;

/**
 * Street lamps: pole, arm and head (unlabelled, like every class the label set lacks). At night the
 * head glows and lights a pool of road beneath it.
 */
final class StreetLamps {
    private StreetLamps() {}

    /** A lamp standing at (x, z) whose arm reaches {@code towardRoad} (±1). */
    static SceneObject lamp(Camera camera, Palette palette, Dice dice, float x, float z, int towardRoad) {
        Billboard b = new Billboard(camera, x, z);
        float height = dice.uniform(6, 9);
        float arm = towardRoad * dice.uniform(1, 2.2);
        Rgb colour = palette.lampColour();
        Material metal = palette.pole();
        List<Part> parts = List.of(
                new Part(b.limb(0, 0, 0, height, 0.16f), metal),
                new Part(b.limb(0, height, arm, height + 0.25f, 0.1f), metal),
                new Part(b.ellipse(arm, height + 0.1f, 0.35f, 0.12f), palette.lampHead(colour)));
        List<Light> lights = !palette.night ? List.of() : List.of(
                new Billboard(camera, x + arm, z).groundLight(0, 6, 7, colour.scale(dice.uniform(0.25, 0.5))),
                b.glow(arm, height, 2.5f, colour.scale(0.12)));
        return new SceneObject(SceneObject.Layer.STREET, z, null, List.of(), parts, lights);
    }
}
