package org.univ.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.univ.detect.BoxPainter;
import org.univ.segment.SegPictures;

class ClassColoursTest {
    private static double distance(int a, int b) {
        double dr = ((a >> 16) & 0xFF) - ((b >> 16) & 0xFF);
        double dg = ((a >> 8) & 0xFF) - ((b >> 8) & 0xFF);
        double db = (a & 0xFF) - (b & 0xFF);
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    @Test
    void theFirstEightClassesAreClearlyApart() {
        // The two-class case (background, person) was two purples before: every pair now differs by > 60 of 441.
        for (int a = 0; a < 8; a++) {
            for (int b = a + 1; b < 8; b++) {
                double d = distance(ClassColours.rgb(a), ClassColours.rgb(b));
                assertTrue(d > 60, "classes " + a + " and " + b + " are only " + d + " apart");
            }
        }
    }

    @Test
    void manyClassesGetDistinctOpaqueColours() {
        Set<Integer> seen = new HashSet<>();
        for (int c = 0; c < 40; c++) {
            int rgb = ClassColours.rgb(c);
            assertEquals(0, rgb & 0xFF000000, "0xRRGGBB without alpha");
            assertTrue(seen.add(rgb), "class " + c + " repeats an earlier colour");
        }
        assertThrows(IllegalArgumentException.class, () -> ClassColours.rgb(-1));
    }

    @Test
    void boxesAndMasksShareThePalette() {
        for (int c = 0; c < 12; c++) {
            assertEquals(ClassColours.rgb(c), SegPictures.colour(c));
            assertEquals(new Color(ClassColours.rgb(c)), BoxPainter.colour(c));
        }
    }
}
