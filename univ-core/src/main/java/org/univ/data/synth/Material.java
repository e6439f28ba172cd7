package org.univ.data.synth;

/**
 * What a surface is to each output: its segmentation class, how it reflects and emits visible light
 * (albedo with multiplicative texture noise, brighter towards its top, plus emitted light for lamps,
 * lit windows and car lights), and its temperature in °C with thermal texture for the infrared camera.
 *
 * @param texture       relative albedo variation (0 = flat)
 * @param textureScale  feature size of that variation in pixels at 160 px image width
 * @param topLight      extra brightness at the top of a part over its bottom (sky light from above)
 * @param thermalTexture temperature variation in °C
 * @param noiseSeed     seed of this surface's texture, so equal materials on different objects differ
 */
record Material(SegClass segClass, Rgb albedo, Rgb emission, float texture, float textureScale, float topLight,
                float celsius, float thermalTexture, long noiseSeed) {

    static Material of(SegClass segClass, Rgb albedo, float celsius, long noiseSeed) {
        return new Material(segClass, albedo, Rgb.BLACK, 0.08f, 2f, 0.1f, celsius, 0.3f, noiseSeed);
    }

    Material withTexture(float amount, float scale) {
        return new Material(segClass, albedo, emission, amount, scale, topLight, celsius, thermalTexture, noiseSeed);
    }

    Material withTopLight(float amount) {
        return new Material(segClass, albedo, emission, texture, textureScale, amount, celsius, thermalTexture, noiseSeed);
    }

    Material withEmission(Rgb light) {
        return new Material(segClass, albedo, light, texture, textureScale, topLight, celsius, thermalTexture, noiseSeed);
    }

    Material withThermalTexture(float degrees) {
        return new Material(segClass, albedo, emission, texture, textureScale, topLight, celsius, degrees, noiseSeed);
    }

    Material withCelsius(float degrees) {
        return new Material(segClass, albedo, emission, texture, textureScale, topLight, degrees, thermalTexture, noiseSeed);
    }

    /** The same surface under less light (a wall facing away from the sun). */
    Material darker(float factor) {
        return new Material(segClass, albedo.scale(factor), emission, texture, textureScale, topLight, celsius, thermalTexture,
                noiseSeed);
    }

    /** Distant surfaces: colour pulled towards the horizon haze, temperature towards the air's. */
    Material hazed(Rgb haze, float amount, float airCelsius) {
        return new Material(segClass, albedo.mix(haze, amount), emission, texture * (1 - amount), textureScale, topLight,
                celsius + (airCelsius - celsius) * amount, thermalTexture * (1 - amount), noiseSeed);
    }
}
