package org.univ.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.univ.util.ConfigException;

class DetectionConfigTest {
    @Test
    void defaultsAreTheReferenceProbe() {
        DetectionConfig c = DetectionConfig.builder().build();
        assertEquals(448, c.width());
        assertEquals(336, c.height());
        assertEquals(8, c.stride());
        assertEquals(64, c.channels());
        assertEquals(400, c.iterations());
        assertEquals(16, c.batch());
        assertEquals(2e-3, c.lr());
        assertEquals(2, c.shiftTokens());
        assertEquals(100, c.topK());
        assertEquals(100, c.maxDetections());
        assertTrue(c.frozen() && c.standardize());
    }

    @Test
    void yamlOverridesAndRoundTrip() {
        DetectionConfig c = DetectionConfig.parse("iterations: 50\nlr: 1.0e-3\n", "test",
                List.of("width=224", "height=160", "protocol=finetune", "giou_weight=2"));
        assertEquals(50, c.iterations());
        assertEquals(224, c.width());
        assertEquals(2, c.giouWeight());
        assertEquals(DetectionConfig.FINETUNE, c.protocol());
        DetectionConfig back = DetectionConfig.parse(c.toYaml(), "again", List.of());
        assertEquals(c.toYaml(), back.toYaml());
        assertEquals(c.toYaml(), c.toBuilder().build().toYaml());
        assertArrayEquals(new int[] {448, 336}, DetectionConfig.parseSize("448x336"));
    }

    @Test
    void badSettingsNameTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> DetectionConfig.parse("{}", "f.yaml",
                List.of("iteratoins=3")));
        assertTrue(e.getMessage().contains("iteratoins") && e.getMessage().contains("f.yaml"), e.getMessage());
        assertThrows(ConfigException.class, () -> DetectionConfig.builder().optSize(100, 64).build());
        assertThrows(ConfigException.class, () -> DetectionConfig.builder().optProtocol("frozen").build());
        assertThrows(ConfigException.class, () -> DetectionConfig.builder().optStride(12).build());
        assertThrows(ConfigException.class, () -> DetectionConfig.parseSize("448by336"));
    }
}
