package org.univ.data.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * Cars seen from the front (oncoming) or the rear: tyres, underbody, body, cabin, glass, lamps, plate,
 * grille or exhaust. A running car has hot tyres, a hot engine bay/underbody and exhaust, and at night
 * its lamps shine (headlight beams light the road ahead of it).
 */
final class Cars {
    private Cars() {}

    static SceneObject car(Camera camera, Palette palette, Dice dice, float x, float z, boolean facingCamera,
                           boolean running) {
        Billboard b = new Billboard(camera, x, z);
        float half = dice.uniform(0.82, 0.95);
        float height = dice.chance(0.25) ? dice.uniform(1.6, 1.9) : dice.uniform(1.35, 1.55);
        float belt = height * dice.uniform(0.5, 0.58);
        Material paint = palette.carPaint();
        Material hot = palette.engine(running);
        Material tyre = palette.tyre(running);
        Material lamp = facingCamera ? palette.headlamp(running) : palette.taillamp(running);

        List<Part> parts = new ArrayList<>();
        parts.add(new Part(b.rect(-half + 0.15f, 0.1f, half - 0.15f, 0.4f), hot));
        for (int side = -1; side <= 1; side += 2) {
            parts.add(new Part(b.roundRect(side * (half - 0.02f), 0, side * (half - 0.3f), 0.45f, 0.1f), tyre));
        }
        parts.add(new Part(b.roundRect(-half, 0.3f, half, belt, 0.25f), paint));
        parts.add(new Part(b.polygon(-0.93f * half, belt, 0.93f * half, belt, 0.74f * half, height, -0.74f * half, height), paint));
        parts.add(new Part(b.polygon(-0.82f * half, belt + 0.05f, 0.82f * half, belt + 0.05f, 0.68f * half, height - 0.07f,
                -0.68f * half, height - 0.07f), palette.carGlass()));
        for (int side = -1; side <= 1; side += 2) {
            parts.add(new Part(b.rect(side * (half - 0.06f), belt - 0.2f, side * (half - 0.34f), belt - 0.06f), lamp));
        }
        parts.add(new Part(b.rect(-0.24f, 0.38f, 0.24f, 0.5f), palette.plate(paint)));
        if (facingCamera) {
            parts.add(new Part(b.rect(-half + 0.38f, belt - 0.22f, half - 0.38f, belt - 0.06f), hot));
        } else {
            parts.add(new Part(b.ellipse(half - 0.45f, 0.22f, 0.06f, 0.045f), palette.exhaust(running)));
        }

        List<Shade> shades = List.of(palette.night
                ? new Shade(b.groundEllipse(0, 1.05f * half, 2.2f), 0.7f, -1f)
                : new Shade(b.groundEllipse(0, 1.15f * half, 2.4f), 0.45f, -5f));
        List<Light> lights = new ArrayList<>();
        if (palette.night && running) {
            Rgb glowColour = facingCamera ? Rgb.of(0.3, 0.28, 0.24) : Rgb.of(0.2, 0.01, 0.01);
            for (int side = -1; side <= 1; side += 2) {
                lights.add(b.glow(side * (half - 0.2f), belt - 0.13f, facingCamera ? 0.9f : 0.5f, glowColour));
            }
            if (facingCamera && z > 4) {
                // the beam lights the road between the car and the camera
                float beamZ = Math.max(3f, z - 9);
                lights.add(new Billboard(camera, x, beamZ).groundLight(0, 2.8f, Math.min(7f, z - beamZ),
                        Rgb.of(0.9, 0.86, 0.72).scale(dice.uniform(0.25, 0.45))));
            }
        }
        return new SceneObject(SceneObject.Layer.STREET, z, BoxClass.CAR, shades, parts, lights);
    }
}
