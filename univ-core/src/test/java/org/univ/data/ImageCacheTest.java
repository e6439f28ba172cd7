package org.univ.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCacheTest {
    @TempDir
    Path dir;

    @Test
    void cachesUntilTheBudgetIsSpent() {
        Path a = TestImages.write(TestImages.rgb(10, 10, 1), dir.resolve("a.png")); // 300 bytes decoded
        Path b = TestImages.write(TestImages.rgb(10, 10, 2), dir.resolve("b.png"));
        ImageCache cache = new ImageCache(400);
        BufferedImage first = cache.get(a);
        assertSame(first, cache.get(a));
        assertEquals(300, cache.usedBytes());
        assertFalse(cache.get(b) == cache.get(b)); // over budget: decoded each time
        assertEquals(1, cache.size());
        assertEquals(1, cache.hits());
        assertEquals(3, cache.misses());
        TestImages.truncate(b, 20);
        assertThrows(ImageException.class, () -> cache.get(b));
        assertEquals(0, new ImageCache(0).usedBytes());
    }

    @Test
    void loaderBatchesDoNotDependOnTheCache() {
        PairIndex index = PairIndex.open(TestImages.pairs(dir.resolve("r"), PairLayout.VI_IR, 40, 30, "a", "b", "c", "d").toString());
        CoAugment aug = CoAugment.builder().setSize(16).build();
        PairLoader.Builder b = PairLoader.builder().setIndex(index).setAugment(aug).setBatchSize(2).optWorkers(0);
        try (PairLoader cached = b.optCache(new ImageCache(1 << 20)).build();
             PairLoader uncached = PairLoader.builder().setIndex(index).setAugment(aug).setBatchSize(2).optWorkers(0)
                     .optCache(new ImageCache(0)).build()) {
            for (int i = 0; i < 6; i++) { // 3 epochs: the later ones come from memory
                Batch x = cached.next();
                Batch y = uncached.next();
                assertArrayEquals(x.rgb(), y.rgb());
                assertArrayEquals(x.ir(), y.ir());
            }
            assertEquals(8, cached.cache().size());
            assertEquals(16, cached.cache().hits());
            assertEquals(0, uncached.cache().size());
        }
    }

    @Test
    void twelveMonkeysIsRegisteredAgainWhenMissing() {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        ImageReaderSpi spi = registry.getServiceProviderByClass(TIFFImageReaderSpi.class);
        assertTrue(spi != null && ImageDecoder.tiffReaderClass().startsWith("com.twelvemonkeys."));
        registry.deregisterServiceProvider(spi, ImageReaderSpi.class);
        try {
            assertFalse(ImageDecoder.tiffReaderClass().startsWith("com.twelvemonkeys."));
            ImageDecoder.ensurePlugins();
            assertTrue(ImageDecoder.tiffReaderClass().startsWith("com.twelvemonkeys."), ImageDecoder.tiffReaderClass());
        } finally {
            if (registry.getServiceProviderByClass(TIFFImageReaderSpi.class) == null) {
                registry.registerServiceProvider(spi, ImageReaderSpi.class);
            }
        }
    }
}
