package org.univ.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import org.univ.data.Images.Planes;

/**
 * Image files to float planes. PNG, JPEG, BMP through the JDK's ImageIO plugins, TIFF through TwelveMonkeys
 * (registered with ImageIO here, whatever the class loader that first touched ImageIO).
 * <ul>
 *   <li>visible side: 3 planes in [0, 1] — integer samples divided by {@code 2^bits - 1}, float samples kept,
 *       grey replicated, alpha dropped, palettes and other colour spaces converted through the colour model;</li>
 *   <li>infrared side: one grey plane in [0, 1] — 3-channel files become grey by ITU-R 601 luma
 *       {@code (299 R + 587 G + 114 B) / 1000} (PIL's {@code convert('L')}, exact when the channels are identical),
 *       8-bit samples divided by 255, wider samples by the {@link IrScaling} rule.</li>
 * </ul>
 * Byte and 16-bit component rasters (what the PNG, JPEG and TIFF readers produce) are read straight from their
 * {@link DataBuffer}; anything else goes through bulk {@link Raster#getSamples} calls.
 */
public final class ImageDecoder {
    private static final String TWELVEMONKEYS_TIFF = "com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReader";

    static {
        ensurePlugins();
    }

    private ImageDecoder() {}

    /**
     * Makes sure the TwelveMonkeys TIFF reader is registered and preferred: ImageIO scans the class path once,
     * with the context class loader of the first caller, which may not see it (e.g. in a plugin or executor).
     */
    public static synchronized void ensurePlugins() {
        if (tiffReaderClass().equals(TWELVEMONKEYS_TIFF)) {
            return;
        }
        ImageIO.scanForPlugins();
        if (!tiffReaderClass().equals(TWELVEMONKEYS_TIFF)) {
            IIORegistry registry = IIORegistry.getDefaultInstance();
            ImageReaderSpi spi = new com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi();
            registry.registerServiceProvider(spi, ImageReaderSpi.class);
            Iterator<ImageReaderSpi> it = registry.getServiceProviders(ImageReaderSpi.class, true);
            while (it.hasNext()) {
                ImageReaderSpi other = it.next();
                if (other != spi && java.util.Arrays.asList(other.getFormatNames()).contains("tiff")) {
                    registry.setOrdering(ImageReaderSpi.class, spi, other);
                }
            }
        }
    }

    /** Class of the reader ImageIO picks for TIFF files ("" when none). */
    public static String tiffReaderClass() {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("tiff");
        return it.hasNext() ? it.next().getClass().getName() : "";
    }

    /** Decodes a file (the first image of a multi-page TIFF) or fails with a message naming it and the decoder's reason. */
    public static BufferedImage read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ImageException(file, "file does not exist");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new ImageException(file, "corrupt or truncated image (" + describe(e) + ")", e);
        }
        if (img == null) {
            throw new ImageException(file, "no image decoder recognises it (PNG, JPEG, BMP, TIFF are supported)");
        }
        return img;
    }

    /** Size and format from the file's header; decodes the pixels only when the reader cannot tell the type otherwise. */
    public static ImageHeader header(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ImageException(file, "file does not exist");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new ImageException(file, "no image decoder recognises it (PNG, JPEG, BMP, TIFF are supported)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                ImageTypeSpecifier type = reader.getRawImageType(0);
                if (type == null) {
                    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
                    type = types.hasNext() ? types.next() : null;
                }
                if (type != null) {
                    return new ImageHeader(width, height, ImageFormat.of(type.getColorModel(), type.getSampleModel()));
                }
            } finally {
                reader.dispose();
            }
        } catch (ImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageException(file, "corrupt or truncated image (" + describe(e) + ")", e);
        }
        BufferedImage img = read(file); // the reader could not name the type without decoding
        return new ImageHeader(img.getWidth(), img.getHeight(), format(img));
    }

    public static ImageFormat format(BufferedImage img) {
        return ImageFormat.of(img.getColorModel(), img.getSampleModel());
    }

    /** The whole image as 3 planes in [0, 1]. */
    public static Planes rgb(BufferedImage img) {
        return rgb(img, 0, 0, img.getHeight(), img.getWidth());
    }

    /** A region {@code [top, left, height, width]} as 3 planes in [0, 1] (only the region is converted). */
    public static Planes rgb(BufferedImage img, int top, int left, int height, int width) {
        return rgb(img, top, left, height, width, null);
    }

    /** As {@link #rgb(BufferedImage, int, int, int, int)} into {@code scratch}'s slot 0 (null: a new array). */
    public static Planes rgb(BufferedImage img, int top, int left, int height, int width, Images.Scratch scratch) {
        checkRegion(img, top, left, height, width);
        int plane = height * width;
        float[] out = Images.Scratch.get(scratch, 0, 3 * plane);
        ImageFormat f = format(img);
        if (!f.rgbOrGrey() || f.indexed() || (f.channels() != 1 && f.channels() != 3)) {
            argbPlanes(img, top, left, height, width, out);
            return new Planes(out, 3, height, width);
        }
        Raster r = img.getRaster();
        ColorModel cm = img.getColorModel();
        for (int c = 0; c < 3; c++) {
            int band = f.channels() == 1 ? 0 : c;
            if (band != c) { // grey: replicate the first plane
                System.arraycopy(out, 0, out, c * plane, plane);
                continue;
            }
            band(r, band, top, left, height, width, out, c * plane);
            if (!f.floating()) {
                divide(out, c * plane, plane, maxValue(cm.getComponentSize(band)));
            }
        }
        return new Planes(out, 3, height, width);
    }

    /**
     * The whole image as one grey plane in [0, 1] (the infrared rule, see the class comment); {@code source}
     * names the file in warnings.
     */
    public static Planes ir(BufferedImage img, IrScaling scaling, Object source) {
        return ir(img, scaling, source, 0, 0, img.getHeight(), img.getWidth());
    }

    /**
     * A region as one grey plane in [0, 1]. Samples wider than 8 bits are scaled over the whole image first, so the
     * min/max rule does not depend on the crop.
     */
    public static Planes ir(BufferedImage img, IrScaling scaling, Object source, int top, int left, int height, int width) {
        return ir(img, scaling, source, top, left, height, width, null);
    }

    /**
     * As {@link #ir(BufferedImage, IrScaling, Object, int, int, int, int)} into {@code scratch}'s slot 3, using slot 4
     * for colour sources (null: new arrays). Wide (16-bit) crops still allocate: they scale the whole image first.
     */
    public static Planes ir(BufferedImage img, IrScaling scaling, Object source, int top, int left, int height, int width,
                            Images.Scratch scratch) {
        checkRegion(img, top, left, height, width);
        ImageFormat f = format(img);
        boolean full = top == 0 && left == 0 && height == img.getHeight() && width == img.getWidth();
        if (f.wide() && !full) {
            return Images.crop(ir(img, scaling, source), top, left, height, width);
        }
        int plane = height * width;
        float[] grey = f.wide() ? new float[plane] : Images.Scratch.get(scratch, 3, plane); // scaling reads the whole array
        if (!f.rgbOrGrey() || f.indexed() || (f.channels() != 1 && f.channels() != 3)) {
            float[] rgb = Images.Scratch.get(scratch, 4, 3 * plane);
            argbPlanes(img, top, left, height, width, rgb); // 8 bits per channel after the colour model
            luma(rgb, plane, grey);
            return new Planes(grey, 1, height, width);
        }
        Raster r = img.getRaster();
        if (f.channels() == 1) {
            band(r, 0, top, left, height, width, grey, 0);
        } else {
            float[] rgb = Images.Scratch.get(scratch, 4, 3 * plane);
            for (int c = 0; c < 3; c++) {
                band(r, c, top, left, height, width, rgb, c * plane);
            }
            luma(rgb, plane, grey);
        }
        if (f.wide()) {
            scaling.apply(grey, source);
        } else {
            divide(grey, 0, plane, maxValue(f.bits()));
        }
        return new Planes(grey, 1, height, width);
    }

    /** Raw samples of one band over a region into {@code out[off…]}, row-major. */
    static void band(Raster r, int band, int top, int left, int height, int width, float[] out, int off) {
        DataBuffer db = r.getDataBuffer();
        if (r.getSampleModel() instanceof ComponentSampleModel sm
                && (db instanceof DataBufferByte || db instanceof DataBufferUShort)) {
            int bank = sm.getBankIndices()[band];
            int pixelStride = sm.getPixelStride();
            int scanline = sm.getScanlineStride();
            int x0 = r.getMinX() + left - r.getSampleModelTranslateX();
            int y0 = r.getMinY() + top - r.getSampleModelTranslateY();
            int base = db.getOffsets()[bank] + sm.getBandOffsets()[band] + x0 * pixelStride;
            int o = off;
            if (db instanceof DataBufferByte bytes) {
                byte[] data = bytes.getData(bank);
                for (int y = 0; y < height; y++) {
                    int i = base + (y0 + y) * scanline;
                    for (int x = 0; x < width; x++, i += pixelStride) {
                        out[o++] = data[i] & 0xff;
                    }
                }
            } else {
                short[] data = ((DataBufferUShort) db).getData(bank);
                for (int y = 0; y < height; y++) {
                    int i = base + (y0 + y) * scanline;
                    for (int x = 0; x < width; x++, i += pixelStride) {
                        out[o++] = data[i] & 0xffff;
                    }
                }
            }
            return;
        }
        float[] samples = r.getSamples(r.getMinX() + left, r.getMinY() + top, width, height, band, (float[]) null);
        System.arraycopy(samples, 0, out, off, samples.length);
    }

    /** Through the colour model (palettes, CMYK, odd colour spaces): 8-bit sRGB planes in [0, 1]. */
    private static void argbPlanes(BufferedImage img, int top, int left, int height, int width, float[] out) {
        int plane = height * width;
        int[] argb = img.getRGB(left, top, width, height, null, 0, width);
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            out[i] = ((p >> 16) & 0xff) / 255f;
            out[plane + i] = ((p >> 8) & 0xff) / 255f;
            out[2 * plane + i] = (p & 0xff) / 255f;
        }
    }

    /** ITU-R 601 luma; in double so identical channels give back exactly their value. */
    private static void luma(float[] rgb, int plane, float[] out) {
        for (int i = 0; i < plane; i++) {
            out[i] = (float) ((299.0 * rgb[i] + 587.0 * rgb[plane + i] + 114.0 * rgb[2 * plane + i]) / 1000.0);
        }
    }

    /** Division, not multiplication by the reciprocal: bit-identical to torchvision's {@code ToTensor}. */
    private static void divide(float[] a, int off, int len, float divisor) {
        for (int i = off; i < off + len; i++) {
            a[i] /= divisor;
        }
    }

    private static float maxValue(int bits) {
        return (float) ((1L << bits) - 1);
    }

    private static void checkRegion(BufferedImage img, int top, int left, int height, int width) {
        if (top < 0 || left < 0 || height <= 0 || width <= 0 || top + height > img.getHeight() || left + width > img.getWidth()) {
            throw new IllegalArgumentException("region [top " + top + ", left " + left + ", " + height + "×" + width
                    + "] is not inside the " + img.getHeight() + "×" + img.getWidth() + " image");
        }
    }

    /** The decoder's message and its causes, e.g. {@code Error reading PNG image data: Unexpected end of ZLIB input stream}. */
    static String describe(Throwable e) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause()) {
            String m = t.getMessage();
            String part = m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
            if (!parts.contains(part)) {
                parts.add(part);
            }
        }
        return String.join(": ", parts);
    }
}
