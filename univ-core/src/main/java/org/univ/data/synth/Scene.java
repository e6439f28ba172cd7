package org.univ.data.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.List;

/**
 * One rendered pair: the colour image, the pixel-aligned thermal image, the class mask and the boxes,
 * all from one layout.
 *
 * @param id    file stem, {@code 00000D} (day) or {@code 00001N} (night)
 * @param rgb   8-bit RGB ({@link BufferedImage#TYPE_INT_RGB})
 * @param ir    8-bit grey ({@link BufferedImage#TYPE_BYTE_GRAY})
 * @param mask  row-major {@code [H, W]} {@link SegClass} ids, {@link SegClass#IGNORE} where ignored
 * @param boxes people and cars, in pixels of either image (the two are aligned)
 */
public record Scene(String id, int index, boolean night, BufferedImage rgb, BufferedImage ir, byte[] mask,
                    List<Box> boxes) {

    public int width() {
        return rgb.getWidth();
    }

    public int height() {
        return rgb.getHeight();
    }

    /** The class id (or 255) at a pixel. */
    public int classAt(int x, int y) {
        return mask[y * width() + x] & 0xff;
    }

    /** The mask as an 8-bit grey image (what {@code mask/<id>.png} holds). */
    public BufferedImage maskImage() {
        BufferedImage image = new BufferedImage(width(), height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(mask, 0, data, 0, mask.length);
        return image;
    }
}
