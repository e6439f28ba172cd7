package org.univ.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoded images kept in memory up to a byte budget, so epochs after the first skip PNG/JPEG decoding (the largest
 * cost of loading: ~10 ms for a 640×480 RGB PNG). Fill-until-full, no eviction: with random epoch orders any
 * policy hits about budget/size of the time, and this one never churns. Cached images are only read. Thread-safe.
 */
public final class ImageCache {
    private final long budgetBytes;
    private final ConcurrentHashMap<Path, BufferedImage> images = new ConcurrentHashMap<>();
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /** {@code budgetBytes} 0 = no caching. */
    public ImageCache(long budgetBytes) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("cache budget must be ≥ 0 bytes, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /**
     * Half of the JVM's maximum heap, at most 2 GiB: 1 GiB under the launcher's 2 GB heap, which holds every decoded
     * image of ../shared (≈ 0.74 GB); the other half leaves room for the loader's ≈ 0.2 GB working set.
     */
    public static ImageCache defaultBudget() {
        return new ImageCache(Math.min(2L << 30, Runtime.getRuntime().maxMemory() / 2));
    }

    /** The decoded image, from memory when cached; failures throw {@link ImageException} and are not cached. */
    public BufferedImage get(Path file) {
        BufferedImage img = images.get(file);
        if (img != null) {
            hits.incrementAndGet();
            return img;
        }
        misses.incrementAndGet();
        img = ImageDecoder.read(file);
        long size = bytes(img);
        if (usedBytes.get() + size <= budgetBytes) {
            if (usedBytes.addAndGet(size) <= budgetBytes) {
                if (images.putIfAbsent(file, img) != null) {
                    usedBytes.addAndGet(-size); // another thread cached it first
                }
            } else {
                usedBytes.addAndGet(-size);
            }
        }
        return img;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    public long usedBytes() {
        return usedBytes.get();
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    public int size() {
        return images.size();
    }

    static long bytes(BufferedImage img) {
        DataBuffer db = img.getRaster().getDataBuffer();
        return (long) db.getSize() * db.getNumBanks() * DataBuffer.getDataTypeSize(db.getDataType()) / 8;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "ImageCache[%d images, %.0f of %.0f MB, %d hits, %d misses]",
                images.size(), usedBytes.get() / 1e6, budgetBytes / 1e6, hits.get(), misses.get());
    }
}
