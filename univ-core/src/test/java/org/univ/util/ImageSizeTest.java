package org.univ.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImageSizeTest {
    @Test
    void widthByHeightOrOneSide() {
        assertEquals(new ImageSize(448, 336), ImageSize.parse("448x336", "--size"));
        assertEquals(new ImageSize(448, 336), ImageSize.parse(" 448 X 336 ", "--size"));
        assertEquals(new ImageSize(224, 224), ImageSize.parse("224", "size"));
        assertEquals("448x336", new ImageSize(448, 336).toString());
        assertEquals("224", new ImageSize(224, 224).toString());
        for (String bad : List.of("", "x", "448x", "448x336x2", "0x16", "-16", "big", "448by336")) {
            ConfigException e = assertThrows(ConfigException.class, () -> ImageSize.parse(bad, "--crop"), bad);
            assertTrue(e.getMessage().startsWith("--crop '" + bad + "'"), e.getMessage());
        }
    }
}
