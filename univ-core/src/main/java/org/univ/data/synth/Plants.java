package org.univ.data.synth;

import java.util.ArrayList;
import java.util.List;

/** Trees (broadleaf crowns of leafy blobs, or conifers), bushes and distant tree lines. */
final class Plants {
    private Plants() {}

    static SceneObject tree(Camera camera, Palette palette, Dice dice, float x, float z) {
        Billboard b = new Billboard(camera, x, z);
        float trunkHeight = dice.uniform(1.5, 3.2);
        float crown = dice.uniform(1.4, 3.2);
        Material leaves = palette.foliage();
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(b.limb(0, 0, dice.uniform(-0.2, 0.2), trunkHeight + 0.5f * crown, dice.uniform(0.2, 0.45)),
                palette.trunk()));
        if (dice.chance(0.25)) {
            // conifer: stacked tiers narrowing upwards
            int tiers = dice.between(3, 5);
            float tierHeight = 1.6f * crown / tiers;
            for (int k = 0; k < tiers; k++) {
                float base = trunkHeight * 0.7f + k * tierHeight * 0.75f;
                float r = crown * (1 - 0.8f * k / tiers);
                parts.add(new Part(b.polygon(-r, base, r, base, 0, base + 1.4f * tierHeight), palette.variant(leaves, 0.15)));
            }
        } else {
            int blobs = dice.between(4, 7);
            for (int k = 0; k < blobs; k++) {
                float r = crown * dice.uniform(0.5, 0.85);
                parts.add(new Part(b.ellipse(dice.uniform(-0.5, 0.5) * crown, trunkHeight + crown * dice.uniform(0.6, 1.3),
                        r, r * dice.uniform(0.8, 1.1)), palette.variant(leaves, 0.2)));
            }
        }
        List<Shade> shades = palette.night ? List.of()
                : List.of(new Shade(b.groundEllipse(0.8f * crown, crown, 0.7f * crown), 0.55f, -4f));
        return new SceneObject(SceneObject.Layer.STREET, z, null, shades, parts, List.of());
    }

    static SceneObject bush(Camera camera, Palette palette, Dice dice, float x, float z) {
        Billboard b = new Billboard(camera, x, z);
        Material leaves = palette.foliage();
        List<Part> parts = new ArrayList<>();
        int blobs = dice.between(1, 3);
        for (int k = 0; k < blobs; k++) {
            float r = dice.uniform(0.4, 1.2);
            parts.add(new Part(b.ellipse(dice.uniform(-0.8, 0.8), r * dice.uniform(0.5, 0.8), r, r * dice.uniform(0.6, 0.9)),
                    palette.variant(leaves, 0.15)));
        }
        return SceneObject.of(SceneObject.Layer.STREET, z, parts);
    }

    /** A band of tree crowns across the whole view at depth {@code z}, faded by haze. */
    static SceneObject treeLine(Camera camera, Palette palette, Dice dice, float z, Rgb haze) {
        float reach = camera.worldX(camera.width(), z) + 10;
        float fade = dice.uniform(0.3, 0.5);
        Material leaves = palette.foliage().hazed(haze, fade, palette.air);
        List<Part> parts = new ArrayList<>();
        for (float x = -reach; x < reach; x += dice.uniform(4, 9)) {
            float r = dice.uniform(3, 9);
            Billboard b = new Billboard(camera, x, z);
            parts.add(new Part(b.ellipse(0, dice.uniform(2, 8), r, r * dice.uniform(0.7, 1.1)), palette.variant(leaves, 0.12)));
        }
        return SceneObject.of(SceneObject.Layer.BACKDROP, z, parts);
    }
}
