package org.univ.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.univ.data.Images.Planes;

/** The display conversion and colour blend shared by box pictures, seg overlays and the report's figures. */
class ImagesDisplayTest {

    @Test
    void greyIsShownAsGreyAndValuesAreClipped() {
        // one row: 0, 0.5, 1.2 (clipped to 255), -0.1 (clipped to 0)
        BufferedImage img = Images.toDisplay(new Planes(new float[] {0f, 0.5f, 1.2f, -0.1f}, 1, 1, 4));
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        assertEquals(0x000000, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x808080, img.getRGB(1, 0) & 0xFFFFFF); // round(127.5) = 128
        assertEquals(0xFFFFFF, img.getRGB(2, 0) & 0xFFFFFF);
        assertEquals(0x000000, img.getRGB(3, 0) & 0xFFFFFF);
    }

    @Test
    void colourPlanesMapToTheirChannels() {
        // 1x2 image, planes [C, H, W]: pixel 0 pure red, pixel 1 (0.2, 0.4, 1.0)
        float[] data = {1f, 0.2f, 0f, 0.4f, 0f, 1f};
        BufferedImage img = Images.toDisplay(new Planes(data, 3, 1, 2));
        assertEquals(0xFF0000, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals((51 << 16) | (102 << 8) | 255, img.getRGB(1, 0) & 0xFFFFFF);
    }

    @Test
    void twoChannelsAreRefusedWithTheCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Images.toDisplay(new Planes(new float[4], 2, 1, 2)));
        assertEquals("display needs 1 or 3 channels, got 2", e.getMessage());
    }

    @Test
    void blendMixesEachChannelAndIsOpaque() {
        assertEquals(0xFF000000 | 0x646464, Images.blend(0x000000, 0xC8C8C8, 0.5)); // 200 / 2 = 100
        assertEquals(0xFF1A0A00, Images.blend(0x000000, 0xFF6400, 0.1)); // red round(25.5) = 26, green 10
        assertEquals(0xFF123456, Images.blend(0x123456, 0xABCDEF, 0));
        assertEquals(0xFFABCDEF, Images.blend(0x123456, 0xABCDEF, 1));
    }
}
