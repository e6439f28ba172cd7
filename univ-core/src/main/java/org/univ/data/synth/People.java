package org.univ.data.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * Pedestrians as silhouettes of head, hair, neck, torso, arms, hands, legs and shoes, seen from the
 * front/back or walking across the view. Proportions are fractions of body height; skin is the
 * warmest surface, clothes a few degrees cooler, shoes near the ground's temperature.
 */
final class People {
    private People() {}

    static SceneObject person(Camera camera, Palette palette, Dice dice, float x, float z) {
        Billboard b = new Billboard(camera, x, z);
        float h = dice.chance(0.12) ? dice.uniform(1.05, 1.35) : dice.uniform(1.55, 1.9);
        Body body = new Body(b, h, palette.skin(), palette.hair(), palette.clothing(), palette.clothing(), palette.shoes(),
                dice.chance(0.3));
        List<Part> parts = new ArrayList<>();
        if (dice.chance(0.5)) {
            body.walkingAcross(parts, dice.chance(0.5) ? 1 : -1, dice.uniform(0.05, 0.2) * h);
        } else {
            body.facing(parts, dice.chance(0.5), dice.uniform(0, 0.04) * h);
        }
        List<Shade> shades = palette.night ? List.of() : List.of(new Shade(b.groundEllipse(0.25f * h, 0.3f * h, 0.5f), 0.55f, -3f));
        return new SceneObject(SceneObject.Layer.STREET, z, BoxClass.PERSON, shades, parts, List.of());
    }

    /** One person's materials and size; the poses add parts back to front. */
    private record Body(Billboard b, float h, Material skin, Material hair, Material top, Material trousers,
                        Material shoes, boolean bareArms) {
        float hip() {
            return 0.48f * h;
        }

        float shoulder() {
            return 0.8f * h;
        }

        Material sleeves() {
            return bareArms ? skin : top;
        }

        void leg(List<Part> parts, float hipU, float footU) {
            parts.add(new Part(b.limb(hipU, hip(), footU, 0.04f * h, 0.075f * h), trousers));
            parts.add(new Part(b.ellipse(footU, 0.025f * h, 0.05f * h, 0.025f * h), shoes));
        }

        void arm(List<Part> parts, float shoulderU, float handU) {
            parts.add(new Part(b.limb(shoulderU, shoulder() - 0.02f * h, handU, 0.47f * h, 0.05f * h), sleeves()));
            parts.add(new Part(b.ellipse(handU, 0.455f * h, 0.025f * h, 0.03f * h), skin));
        }

        void head(List<Part> parts, float faceU, boolean fromBehind) {
            parts.add(new Part(b.limb(0, shoulder() - 0.01f * h, 0, 0.87f * h, 0.045f * h), skin));
            parts.add(new Part(b.ellipse(faceU, 0.915f * h, 0.055f * h, 0.068f * h), skin));
            parts.add(fromBehind
                    ? new Part(b.ellipse(0, 0.92f * h, 0.057f * h, 0.066f * h), hair)
                    : new Part(b.ellipse(-faceU, 0.95f * h, 0.057f * h, 0.04f * h), hair));
        }

        /** Side view mid-stride; {@code facing} ±1 is the walking direction, arms swing against the legs. */
        void walkingAcross(List<Part> parts, int facing, float stride) {
            float swing = 0.8f * stride;
            arm(parts, 0, facing * swing);        // far arm forward
            leg(parts, 0, -facing * stride);      // far leg back
            leg(parts, 0, facing * stride);       // near leg forward
            parts.add(new Part(b.polygon(-0.065f * h, hip() - 0.02f * h, 0.065f * h, hip() - 0.02f * h,
                    0.07f * h, shoulder(), -0.07f * h, shoulder()), top));
            arm(parts, 0, -facing * swing);       // near arm back
            head(parts, facing * 0.012f * h, false);
        }

        /** Front or back view, feet slightly apart. */
        void facing(List<Part> parts, boolean fromBehind, float spread) {
            leg(parts, -0.05f * h, -0.05f * h - spread);
            leg(parts, 0.05f * h, 0.05f * h + spread);
            parts.add(new Part(b.polygon(-0.1f * h, hip() - 0.02f * h, 0.1f * h, hip() - 0.02f * h,
                    0.13f * h, shoulder(), -0.13f * h, shoulder()), top));
            arm(parts, -0.125f * h, -0.15f * h);
            arm(parts, 0.125f * h, 0.15f * h);
            head(parts, 0, fromBehind);
        }
    }
}
