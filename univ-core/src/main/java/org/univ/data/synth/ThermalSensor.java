package org.univ.data.synth;

/**
 * The thermal camera's fixed properties: per-column offsets (fixed-pattern noise of an uncooled
 * microbolometer, the same in every frame of one camera), temporal noise and optical blur, both in
 * grey levels / pixels at 160 px image width.
 */
record ThermalSensor(float[] columnOffsets, float noiseSigma, float blurSigma) {

    /** A camera drawn from the data-set seed: every pair of a data set shares it. */
    static ThermalSensor of(long seed, int width) {
        Dice dice = new Dice(seed);
        float[] columns = new float[width];
        for (int x = 0; x < width; x++) {
            columns[x] = 2.5f * dice.gaussian();
        }
        return new ThermalSensor(columns, 2f, 0.9f);
    }
}
