package org.univ.data.synth;

import java.awt.Shape;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Buildings: facades along the road (walls in perspective with their near end wall, cornice and a grid
 * of windows, some lit at night) and a distant skyline of front-facing blocks.
 */
final class Buildings {
    private Buildings() {}

    /** A wall's surface: the shape of the patch from (a0, v0) to (a1, v1), a along the wall, v up, in metres. */
    private interface Wall {
        Shape patch(float a0, float v0, float a1, float v1);
    }

    /**
     * A building whose facade faces the road in the plane X = {@code x}, from depth {@code z0} to {@code z1};
     * {@code outward} (±1) is the side away from the road.
     */
    static SceneObject facade(Camera camera, Palette palette, Dice dice, float x, float z0, float z1, float height,
                              int outward) {
        Material wall = palette.facade();
        float depth = dice.uniform(8, 20);
        Wall face = (a0, v0, a1, v1) -> camera.polygon(x, v0, a0, x, v1, a0, x, v1, a1, x, v0, a1);
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(camera.polygon(x, 0, z0, x + outward * depth, 0, z0, x + outward * depth, height, z0, x, height, z0),
                wall.darker(0.75f)));
        parts.add(new Part(face.patch(z0, 0, z1, height), wall));
        parts.add(new Part(face.patch(z0, height - 0.5f, z1, height), wall.darker(0.8f)));
        windows(parts, face, z0, z1, height, palette, dice, UnaryOperator.identity());
        return SceneObject.of(SceneObject.Layer.FACADE, z0, parts);
    }

    /** Front-facing blocks across the whole view at depth {@code z}, faded by haze. */
    static SceneObject skyline(Camera camera, Palette palette, Dice dice, float z, Rgb haze) {
        float reach = camera.worldX(camera.width(), z) + 20;
        float fade = dice.uniform(0.25, 0.45);
        UnaryOperator<Material> distant = m -> m.hazed(haze, fade, palette.air);
        Billboard b = new Billboard(camera, 0, z);
        Wall front = b::rect;
        List<Part> parts = new ArrayList<>();
        for (float x = -reach; x < reach; ) {
            float width = dice.uniform(8, 30);
            float height = dice.uniform(6, 45);
            parts.add(new Part(front.patch(x, 0, x + width, height), distant.apply(palette.facade())));
            windows(parts, front, x, x + width, height, palette, dice, distant);
            x += width + (dice.chance(0.3) ? dice.uniform(2, 15) : 0);
        }
        return SceneObject.of(SceneObject.Layer.BACKDROP, z, parts);
    }

    /** A grid of windows over the wall between {@code a0} and {@code a1}; windows under a pixel are left out. */
    private static void windows(List<Part> parts, Wall wall, float a0, float a1, float height, Palette palette, Dice dice,
                                UnaryOperator<Material> look) {
        float floor = dice.uniform(2.8, 3.5);
        float windowHeight = floor * dice.uniform(0.45, 0.6);
        float spacing = dice.uniform(2.2, 3.6);
        float windowWidth = spacing * dice.uniform(0.4, 0.6);
        float litFraction = dice.uniform(0.15, 0.6);
        for (float v = dice.uniform(0.8, 1.3); v + windowHeight < height - 0.6f; v += floor) {
            for (float a = a0 + spacing / 2; a + windowWidth / 2 < a1; a += spacing) {
                Shape s = wall.patch(a - windowWidth / 2, v, a + windowWidth / 2, v + windowHeight);
                Rectangle2D bounds = s.getBounds2D();
                if (bounds.getWidth() >= 0.6 && bounds.getHeight() >= 0.8) {
                    parts.add(new Part(s, look.apply(palette.window(dice.chance(litFraction)))));
                }
            }
        }
    }
}
