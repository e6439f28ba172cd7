package org.univ.data.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * Draws a road scene: camera pose, a straight road of 2–4 lanes (oncoming traffic on the left), each
 * side urban (pavement, facades, street lamps) or rural (gravel shoulder, grass, trees, bushes), a
 * distant skyline or tree line, cars in their lanes and pedestrians on the verges or crossing.
 */
final class LayoutSampler {
    private static final float FAR = 140;

    private LayoutSampler() {}

    /** One side of the road: its edge (m), direction away from the road (±1), verge width, and kind. */
    private record Side(float edge, int outward, float vergeWidth, boolean urban) {
        float at(float distanceFromEdge) {
            return edge + outward * distanceFromEdge;
        }
    }

    private record Placed(float x, float z) {}

    static SceneLayout sample(int width, int height, boolean night, Dice dice) {
        Camera camera = new Camera(width, height, width * dice.uniform(0.8, 1.0), height * dice.uniform(0.36, 0.48),
                dice.uniform(1.3, 1.9));
        Palette palette = new Palette(night, dice.split());
        Backdrop.Sky sky = palette.sky();

        int lanes = dice.between(2, 4);
        int oncomingLanes = lanes / 2;
        float laneWidth = dice.uniform(3.0, 3.6);
        int egoLane = dice.between(oncomingLanes, lanes - 1);
        float left = -(egoLane + 0.5f) * laneWidth + dice.uniform(-0.4, 0.4);
        float right = left + lanes * laneWidth;
        Side leftSide = side(dice, left, -1);
        Side rightSide = side(dice, right, 1);
        Backdrop.Road road = new Backdrop.Road(left, right, palette.asphalt(),
                markings(palette, dice, left, right, lanes, laneWidth, oncomingLanes), dice.uniform(2, 4),
                dice.uniform(8, 12), dice.uniform(0, 12), verge(palette, leftSide), verge(palette, rightSide));

        List<SceneObject> objects = new ArrayList<>();
        float farDepth = dice.uniform(120, 260);
        if ((leftSide.urban() || rightSide.urban()) && dice.chance(0.75)) {
            objects.add(Buildings.skyline(camera, palette, dice, farDepth, sky.horizon()));
        } else if (dice.chance(0.85)) {
            objects.add(Plants.treeLine(camera, palette, dice, farDepth, sky.horizon()));
        }
        for (Side s : List.of(leftSide, rightSide)) {
            roadside(objects, camera, palette, dice, s);
        }
        List<Placed> cars = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            boolean oncoming = lane < oncomingLanes;
            float nearest = lane == egoLane ? 10 : 6;
            for (float z : spaced(dice, nearest + dice.uniform(0, 25), 70, 9, 30, dice.between(0, 2))) {
                float x = left + (lane + 0.5f) * laneWidth + dice.uniform(-0.3, 0.3);
                cars.add(new Placed(x, z));
                objects.add(Cars.car(camera, palette, dice, x, z, oncoming, true));
            }
        }
        int people = dice.chance(0.1) ? 0 : dice.between(1, 5);
        for (int k = 0; k < people; k++) {
            Placed p = pedestrianSpot(dice, road, dice.chance(0.5) ? leftSide : rightSide, cars);
            objects.add(People.person(camera, palette, dice, p.x(), p.z()));
            if (dice.chance(0.3)) { // walking in company
                objects.add(People.person(camera, palette, dice, p.x() + dice.uniform(0.5, 0.8) * (dice.chance(0.5) ? 1 : -1),
                        p.z() + dice.uniform(-0.6, 0.6)));
            }
        }

        List<Light> lights = new ArrayList<>();
        Rgb ambient;
        if (night) {
            lights.add(new Billboard(camera, 0, 10).groundLight(0, 3.5f, 7, Rgb.of(0.9, 0.88, 0.8).scale(dice.uniform(0.2, 0.4))));
            ambient = Rgb.of(0.7, 0.75, 1.0).scale(dice.uniform(0.06, 0.14));
        } else {
            ambient = dice.vary(Rgb.of(1.0, 0.98, 0.93), 0.03, 0.12).scale(1 - 0.2f * sky.cloudCover());
        }
        return new SceneLayout(camera, night, sky, road, objects, lights, ambient);
    }

    private static Side side(Dice dice, float edge, int outward) {
        boolean urban = dice.chance(0.55);
        return new Side(edge, outward, urban ? dice.uniform(2, 4.5) : dice.uniform(0.4, 1.2), urban);
    }

    private static Backdrop.Verge verge(Palette palette, Side s) {
        if (s.urban()) {
            Material pavement = palette.pavement();
            return new Backdrop.Verge(s.vergeWidth(), pavement, pavement);
        }
        return new Backdrop.Verge(s.vergeWidth(), palette.gravel(), palette.grass());
    }

    private static List<Backdrop.Marking> markings(Palette palette, Dice dice, float left, float right, int lanes,
                                                   float laneWidth, int oncomingLanes) {
        float half = dice.uniform(0.06, 0.09);
        Material white = palette.marking(false);
        List<Backdrop.Marking> out = new ArrayList<>();
        for (int k = 1; k < lanes; k++) {
            boolean centre = k == oncomingLanes;
            Material paint = centre && dice.chance(0.3) ? palette.marking(true) : white;
            out.add(new Backdrop.Marking(left + k * laneWidth, half, !centre, paint));
        }
        if (dice.chance(0.6)) {
            out.add(new Backdrop.Marking(left + 0.3f, half, false, white));
            out.add(new Backdrop.Marking(right - 0.3f, half, false, white));
        }
        return out;
    }

    /** What lines one side of the road: facades, street trees and lamps (urban) or trees and bushes (rural). */
    private static void roadside(List<SceneObject> objects, Camera camera, Palette palette, Dice dice, Side s) {
        if (s.urban()) {
            float line = s.vergeWidth() + dice.uniform(0, 2);
            for (float z0 = dice.uniform(1.5, 8); z0 < FAR; ) {
                float length = dice.uniform(8, 35);
                objects.add(Buildings.facade(camera, palette, dice, s.at(line), z0, z0 + length, dice.uniform(6, 28), s.outward()));
                z0 += length + (dice.chance(0.3) ? dice.uniform(3, 12) : 0);
            }
            if (dice.chance(0.3)) {
                for (float z : spaced(dice, dice.uniform(4, 12), 80, 8, 15, 12)) {
                    objects.add(Plants.tree(camera, palette, dice, s.at(dice.uniform(0.8, Math.max(1, s.vergeWidth() - 0.5))), z));
                }
            }
        } else {
            for (float z : spaced(dice, dice.uniform(3, 10), 110, 6, 18, 20)) {
                objects.add(Plants.tree(camera, palette, dice, s.at(s.vergeWidth() + dice.uniform(1.5, 8)), z));
            }
            for (int k = dice.between(2, 6); k > 0; k--) {
                objects.add(Plants.bush(camera, palette, dice, s.at(s.vergeWidth() + dice.uniform(0.3, 3)), dice.uniform(3, 60)));
            }
        }
        if (dice.chance(s.urban() ? 0.8 : 0.25)) {
            for (float z : spaced(dice, dice.uniform(6, 18), 120, 22, 38, 8)) {
                objects.add(StreetLamps.lamp(camera, palette, dice, s.at(0.5f), z, -s.outward()));
            }
        }
    }

    /** Up to {@code count} depths from {@code start} below {@code end}, gaps uniform in [minGap, maxGap]. */
    private static List<Float> spaced(Dice dice, float start, float end, float minGap, float maxGap, int count) {
        List<Float> out = new ArrayList<>();
        for (float z = start; z < end && out.size() < count; z += dice.uniform(minGap, maxGap)) {
            out.add(z);
        }
        return out;
    }

    /** A spot on the verge of {@code s}, or on the carriageway (crossing), clear of the cars. */
    private static Placed pedestrianSpot(Dice dice, Backdrop.Road road, Side s, List<Placed> cars) {
        Placed spot = null;
        for (int attempt = 0; attempt < 20 && (spot == null || nearCar(spot, cars)); attempt++) {
            spot = dice.chance(0.25)
                    ? new Placed(dice.uniform(road.left() + 0.5, road.right() - 0.5), dice.uniform(6, 30))
                    : new Placed(s.at(dice.uniform(0.3, s.urban() ? s.vergeWidth() - 0.3 : s.vergeWidth() + 2)), dice.uniform(4, 45));
        }
        return spot;
    }

    private static boolean nearCar(Placed p, List<Placed> cars) {
        return cars.stream().anyMatch(c -> Math.abs(c.x() - p.x()) < 1.4 && Math.abs(c.z() - p.z()) < 5);
    }
}
