package org.univ.data.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * The thermal camera: temperatures blurred by the soft optics, mapped linearly to grey levels by
 * automatic gain control (the scene's 1st–99.5th temperature percentiles span most of the 8-bit range,
 * hot spots saturate), then fixed-pattern column noise, per-frame row noise and Gaussian noise.
 */
final class IrRenderer {
    /** Below this span (°C) the gain stops growing, so a flat scene shows noise, not amplified texture. */
    private static final float MIN_SPAN = 6f;

    private IrRenderer() {}

    static BufferedImage render(Canvas canvas, ThermalSensor sensor, Dice dice) {
        int w = canvas.width;
        int h = canvas.height;
        float[] celsius = Filters.gaussianBlur(canvas.celsius, w, h, sensor.blurSigma() * canvas.pixelScale);
        float[] range = Filters.quantiles(celsius, 0.01, 0.995);
        float lo = range[0];
        float hi = Math.max(lo + MIN_SPAN, range[1]);
        float gain = dice.uniform(0.85, 1.0) * 232 / (hi - lo);
        float offset = dice.uniform(4, 16);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] grey = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            float row = 0.8f * dice.gaussian();
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float v = offset + gain * (celsius[i] - lo) + sensor.columnOffsets()[x] + row
                        + sensor.noiseSigma() * dice.gaussian();
                grey[i] = (byte) Math.round(Math.max(0, Math.min(255, v)));
            }
        }
        return image;
    }
}
