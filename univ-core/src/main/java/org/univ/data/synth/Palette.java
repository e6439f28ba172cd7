package org.univ.data.synth;

import static org.univ.data.synth.SegClass.BUILDING;
import static org.univ.data.synth.SegClass.CAR;
import static org.univ.data.synth.SegClass.PERSON;
import static org.univ.data.synth.SegClass.ROAD;
import static org.univ.data.synth.SegClass.UNLABELLED;
import static org.univ.data.synth.SegClass.VEGETATION;

import java.util.List;

/**
 * The materials of one scene: colours drawn per object from overlapping palettes (grey cars on grey
 * asphalt, dark clothes, green-brown grass and foliage) so no class is given away by its colour, and
 * temperatures from one model of what a long-wave infrared camera sees (°C):
 * <ul>
 *   <li>clear sky: far colder than the air (20–45 °C below at the zenith), warmer towards the horizon;</li>
 *   <li>asphalt: sun-warmed by day (air + 6…16), only slightly above the air at night;</li>
 *   <li>vegetation: at or below the air (transpiration by day, radiative cooling at night);</li>
 *   <li>facades: a few degrees above the air; windows reflect the cold sky by day and glow warm when lit at night;</li>
 *   <li>people: skin 32–35.5, clothes 26–31 whatever the weather;</li>
 *   <li>cars: body follows the sun; tyres, engine bay and exhaust of running cars are hot.</li>
 * </ul>
 */
final class Palette {
    private static final List<Rgb> GRASS = List.of(Rgb.of(0.26, 0.36, 0.15), Rgb.of(0.42, 0.40, 0.22),
            Rgb.of(0.18, 0.28, 0.12), Rgb.of(0.33, 0.34, 0.20));
    private static final List<Rgb> FOLIAGE = List.of(Rgb.of(0.16, 0.30, 0.12), Rgb.of(0.22, 0.36, 0.14),
            Rgb.of(0.12, 0.22, 0.10), Rgb.of(0.26, 0.32, 0.16), Rgb.of(0.45, 0.33, 0.12));
    private static final List<Rgb> FACADES = List.of(Rgb.of(0.55, 0.55, 0.53), Rgb.of(0.50, 0.28, 0.20),
            Rgb.of(0.70, 0.63, 0.50), Rgb.of(0.80, 0.80, 0.78), Rgb.of(0.30, 0.31, 0.33), Rgb.of(0.42, 0.47, 0.52));
    /** Neutral paints are listed more than once: they are the common ones. */
    private static final List<Rgb> CAR_PAINTS = List.of(Rgb.of(0.82, 0.82, 0.82), Rgb.of(0.82, 0.82, 0.82),
            Rgb.of(0.60, 0.61, 0.62), Rgb.of(0.60, 0.61, 0.62), Rgb.of(0.38, 0.39, 0.40), Rgb.of(0.38, 0.39, 0.40),
            Rgb.of(0.08, 0.08, 0.09), Rgb.of(0.08, 0.08, 0.09), Rgb.of(0.10, 0.14, 0.30), Rgb.of(0.55, 0.08, 0.07),
            Rgb.of(0.16, 0.28, 0.55), Rgb.of(0.62, 0.56, 0.44), Rgb.of(0.15, 0.30, 0.20));
    private static final List<Rgb> SKIN = List.of(Rgb.of(0.86, 0.67, 0.55), Rgb.of(0.74, 0.54, 0.40),
            Rgb.of(0.55, 0.38, 0.27), Rgb.of(0.36, 0.24, 0.17));
    private static final List<Rgb> HAIR = List.of(Rgb.of(0.08, 0.06, 0.05), Rgb.of(0.30, 0.20, 0.12),
            Rgb.of(0.55, 0.45, 0.30), Rgb.of(0.55, 0.55, 0.55));
    private static final List<Rgb> CLOTHES = List.of(Rgb.of(0.06, 0.06, 0.07), Rgb.of(0.10, 0.12, 0.22),
            Rgb.of(0.22, 0.22, 0.23), Rgb.of(0.42, 0.42, 0.42), Rgb.of(0.78, 0.78, 0.76), Rgb.of(0.55, 0.10, 0.10),
            Rgb.of(0.20, 0.26, 0.40), Rgb.of(0.45, 0.40, 0.28), Rgb.of(0.18, 0.30, 0.18), Rgb.of(0.32, 0.22, 0.14));

    final boolean night;
    /** Air temperature, °C. */
    final float air;
    final float roadCelsius;
    private final Dice dice;

    Palette(boolean night, Dice dice) {
        this.night = night;
        this.dice = dice;
        this.air = night ? dice.uniform(2, 14) : dice.uniform(12, 28);
        this.roadCelsius = air + (night ? dice.uniform(1, 4) : dice.uniform(6, 16));
    }

    private Material make(SegClass c, Rgb albedo, float celsius) {
        return Material.of(c, albedo, celsius, dice.nextLong());
    }

    private float dayNight(double dayLo, double dayHi, double nightLo, double nightHi) {
        return night ? dice.uniform(nightLo, nightHi) : dice.uniform(dayLo, dayHi);
    }

    /** The same surface a little brighter or darker, with its own texture pattern (tree crown blobs). */
    Material variant(Material m, double brightness) {
        return new Material(m.segClass(), m.albedo().scale(dice.uniform(1 - brightness, 1 + brightness)),
                m.emission(), m.texture(), m.textureScale(), m.topLight(), m.celsius() + dice.uniform(-0.5, 0.5),
                m.thermalTexture(), dice.nextLong());
    }

    // ground

    Material asphalt() {
        return make(ROAD, dice.vary(Rgb.of(0.30, 0.30, 0.31), 0.04, 0.25), roadCelsius)
                .withTexture(0.16f, 1.2f).withThermalTexture(0.8f).withTopLight(0);
    }

    Material marking(boolean yellow) {
        Rgb paint = yellow ? Rgb.of(0.80, 0.66, 0.22) : Rgb.of(0.82, 0.82, 0.78);
        // bright paint absorbs less sunlight than asphalt
        return make(ROAD, dice.vary(paint, 0.03, 0.1), roadCelsius - (night ? 0.5f : 2.5f))
                .withTexture(0.1f, 1f).withTopLight(0);
    }

    Material pavement() {
        return make(ROAD, dice.vary(Rgb.of(0.52, 0.50, 0.46), 0.05, 0.15), air + dayNight(4, 10, 0.5, 2.5))
                .withTexture(0.12f, 2.5f).withTopLight(0);
    }

    Material gravel() {
        return make(ROAD, dice.vary(Rgb.of(0.42, 0.39, 0.35), 0.05, 0.15), air + dayNight(3, 9, 0, 2))
                .withTexture(0.25f, 0.8f).withTopLight(0);
    }

    Material grass() {
        return make(VEGETATION, dice.vary(dice.pick(GRASS), 0.08, 0.15), air + dayNight(-1, 3, -4, -1))
                .withTexture(0.3f, 1.2f).withThermalTexture(0.8f).withTopLight(0);
    }

    // vegetation

    Material foliage() {
        return make(VEGETATION, dice.vary(dice.pick(FOLIAGE), 0.08, 0.2), air - dayNight(0, 3, 1, 3.5))
                .withTexture(0.5f, 0.9f).withTopLight(0.3f).withThermalTexture(0.8f);
    }

    Material trunk() {
        return make(VEGETATION, dice.vary(Rgb.of(0.28, 0.21, 0.15), 0.05, 0.2), air + dayNight(0, 2, -1.5, 0))
                .withTexture(0.2f, 1f);
    }

    // buildings

    Material facade() {
        return make(BUILDING, dice.vary(dice.pick(FACADES), 0.05, 0.12), air + dayNight(2, 9, 1, 4))
                .withTexture(0.1f, 3f).withTopLight(0.05f).withThermalTexture(0.5f);
    }

    /** Glass: reflects the sky by day (cold in IR); at night dark, or glowing and warm when the room is lit. */
    Material window(boolean lit) {
        if (!night) {
            return make(BUILDING, dice.vary(Rgb.of(0.30, 0.38, 0.48), 0.05, 0.35).scale(0.7), air - dice.uniform(3, 8))
                    .withTexture(0.05f, 3f).withTopLight(0.3f);
        }
        Material glass = make(BUILDING, dice.vary(Rgb.of(0.10, 0.11, 0.13), 0.05, 0.2), air + dice.uniform(0, 1.5f));
        return lit ? glass.withEmission(dice.vary(Rgb.of(1.0, 0.78, 0.45), 0.08, 0.35).scale(0.6))
                .withCelsius(air + dice.uniform(6, 12)) : glass;
    }

    // cars

    Material carPaint() {
        return make(CAR, dice.vary(dice.pick(CAR_PAINTS), 0.04, 0.08), air + dayNight(3, 14, 0, 2))
                .withTexture(0.03f, 4f).withTopLight(0.25f);
    }

    Material carGlass() {
        return make(CAR, dice.vary(Rgb.of(0.12, 0.14, 0.17), 0.05, 0.25), air - dayNight(4, 10, 1, 4))
                .withTexture(0.04f, 3f).withTopLight(0.4f);
    }

    Material tyre(boolean running) {
        return make(CAR, dice.vary(Rgb.of(0.05, 0.05, 0.05), 0.02, 0.2), air + (running ? dice.uniform(12, 25) : dice.uniform(0, 2)));
    }

    /** Grille, engine bay and underbody: hot while the engine runs. */
    Material engine(boolean running) {
        return make(CAR, dice.vary(Rgb.of(0.12, 0.12, 0.13), 0.03, 0.2), running ? dice.uniform(45, 70) : air + dice.uniform(0, 3));
    }

    Material exhaust(boolean running) {
        return make(CAR, Rgb.grey(0.2), running ? dice.uniform(60, 90) : air);
    }

    Material headlamp(boolean on) {
        Material m = make(CAR, Rgb.of(0.85, 0.85, 0.80), on ? dice.uniform(35, 50) : air + 2);
        return on && night ? m.withEmission(Rgb.of(1.6, 1.5, 1.25)) : m;
    }

    Material taillamp(boolean on) {
        Material m = make(CAR, Rgb.of(0.55, 0.06, 0.05), on ? dice.uniform(28, 38) : air + 1);
        return on && night ? m.withEmission(Rgb.of(1.1, 0.08, 0.05)) : m;
    }

    Material plate(Material body) {
        Rgb colour = dice.chance(0.3) ? Rgb.of(0.85, 0.72, 0.15) : Rgb.of(0.85, 0.85, 0.82);
        return make(CAR, colour, body.celsius()).withTexture(0.02f, 2f);
    }

    // people

    Material skin() {
        return make(PERSON, dice.vary(dice.pick(SKIN), 0.04, 0.1), dice.uniform(32, 35.5f)).withTexture(0.05f, 2f)
                .withTopLight(0.15f);
    }

    Material hair() {
        return make(PERSON, dice.vary(dice.pick(HAIR), 0.05, 0.15), dice.uniform(26, 31)).withTexture(0.15f, 0.7f);
    }

    /** Clothes are colder than skin and a little colder on cold nights. */
    Material clothing() {
        return make(PERSON, dice.vary(dice.pick(CLOTHES), 0.06, 0.15), dice.uniform(27, 31) + 0.12f * (air - 15))
                .withTexture(0.12f, 1.5f).withTopLight(0.15f).withThermalTexture(0.6f);
    }

    Material shoes() {
        return make(PERSON, dice.vary(Rgb.of(0.08, 0.07, 0.07), 0.05, 0.3), air + dice.uniform(3, 8));
    }

    // street furniture (unlabelled)

    Material pole() {
        return make(UNLABELLED, dice.vary(Rgb.of(0.30, 0.31, 0.32), 0.03, 0.2), air + dayNight(2, 5, -1.5, -0.5));
    }

    Rgb lampColour() {
        return dice.chance(0.5) ? Rgb.of(1.0, 0.72, 0.38) : Rgb.of(0.92, 0.95, 1.0);
    }

    Material lampHead(Rgb colour) {
        Material m = make(UNLABELLED, Rgb.grey(0.6), night ? dice.uniform(45, 70) : air + 3);
        return night ? m.withEmission(colour.scale(2.0)) : m;
    }

    // sky

    Backdrop.Sky sky() {
        float cover = dice.chance(0.35) ? dice.uniform(0.6, 1.0) : dice.uniform(0, 0.45);
        float zenithCelsius = air - dice.uniform(30, 45) * (1 - 0.6f * cover);
        float horizonCelsius = air - dice.uniform(6, 12);
        if (night) {
            Rgb glow = dice.vary(Rgb.of(0.06, 0.045, 0.035), 0.1, 0.4);
            return new Backdrop.Sky(Rgb.of(0.004, 0.006, 0.016), glow, glow.scale(1.2), cover, zenithCelsius,
                    horizonCelsius, dice.nextLong());
        }
        Rgb clearZenith = dice.vary(Rgb.of(0.30, 0.50, 0.85), 0.05, 0.1);
        Rgb clearHorizon = dice.vary(Rgb.of(0.72, 0.80, 0.88), 0.03, 0.06);
        Rgb grey = Rgb.grey(dice.uniform(0.62, 0.8));
        return new Backdrop.Sky(clearZenith.mix(grey, cover), clearHorizon.mix(grey, cover * 0.7), Rgb.grey(0.92), cover,
                zenithCelsius, horizonCelsius, dice.nextLong());
    }
}
