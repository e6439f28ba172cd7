package org.univ.detect;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.univ.data.ImageDecoder;
import org.univ.data.Images;
import org.univ.data.Images.Planes;
import org.univ.data.IrScaling;
import org.univ.downstream.Modality;
import org.univ.model.ModelConfig;

/**
 * One modality's images as a backbone input: decoded as the pre-training data path decodes them ({@link ImageDecoder}:
 * RGB 3 planes, IR one grey plane, 16-bit IR by the {@link IrScaling} rule), resized to the input size with PIL's
 * antialiased bilinear filter ({@link Images#resize}), optionally scaled / shifted / mirrored
 * ({@link DetectionAugment.Geometry}), and normalised: RGB with the backbone's statistics, IR with METHOD §5's
 * 0.5338 / 0.2519 on 3 identical channels. Areas outside the image become 0 after normalisation (the mean).
 */
public final class DetectionImages {
    private final Modality modality;
    private final float[] mean;
    private final float[] std;
    private final IrScaling irScaling;

    public DetectionImages(Modality modality, float[] rgbMean, float[] rgbStd, IrScaling irScaling) {
        this.modality = modality;
        this.mean = modality.mean(rgbMean);
        this.std = modality.std(rgbStd);
        this.irScaling = irScaling;
    }

    /** Normalisation of a backbone's config (RGB) or METHOD §5 (IR); 16-bit IR by per-image min/max. */
    public static DetectionImages of(Modality modality, ModelConfig backbone) {
        return new DetectionImages(modality, backbone.mean(), backbone.std(), IrScaling.minMax());
    }

    public Modality modality() {
        return modality;
    }

    /** The file as planes in [0, 1]: 3 for RGB, 1 grey for IR. Unreadable files fail naming the file. */
    public Planes decode(Path file) {
        return decode(ImageDecoder.read(file), file);
    }

    public Planes decode(BufferedImage image, Object source) {
        return modality.decode(image, irScaling, source);
    }

    /** A DJL image as planes, decoded as a file would be ({@link Images#bufferedImage}). */
    public Planes decode(ai.djl.modality.cv.Image image) {
        return decode(Images.bufferedImage(image), "image");
    }

    /** The whole image resized to {@code width × height}, normalised, {@code [3, height, width]} row-major. */
    public float[] prepare(Planes planes, int width, int height) {
        return prepare(planes, width, height, DetectionAugment.Geometry.NONE);
    }

    /**
     * The image resized to {@code round(scale·width) × round(scale·height)}, then the {@code width × height} window at
     * ({@code left}, {@code top}) of it (outside → 0 after normalisation), mirrored when {@code flip}; normalised.
     */
    public float[] prepare(Planes planes, int width, int height, DetectionAugment.Geometry g) {
        int sw = g.scaledWidth(width);
        int sh = g.scaledHeight(height);
        Planes scaled = Images.resize(planes, sh, sw);
        float[] out = new float[3 * width * height];
        float[] d = scaled.data();
        for (int c = 0; c < 3; c++) {
            int src = scaled.channels() == 1 ? 0 : c;
            float m = mean[c];
            float s = std[c];
            for (int y = 0; y < height; y++) {
                int sy = y + g.top();
                int o = (c * height + y) * width;
                if (sy < 0 || sy >= sh) {
                    continue; // padding: 0 = the mean after normalisation
                }
                for (int x = 0; x < width; x++) {
                    int sx = (g.flip() ? width - 1 - x : x) + g.left();
                    if (sx >= 0 && sx < sw) {
                        out[o + x] = (d[(src * sh + sy) * sw + sx] - m) / s;
                    }
                }
            }
        }
        return out;
    }
}
