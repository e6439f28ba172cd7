package org.univ.segment;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.univ.data.DataException;
import org.univ.data.ImageDecoder;
import org.univ.data.Images;
import org.univ.data.Images.Planes;
import org.univ.data.IrScaling;
import org.univ.data.PairIndex;
import org.univ.data.RootSpec;
import org.univ.downstream.Modality;
import org.univ.loss.PixelCrossEntropy;

/**
 * Images of one modality with per-pixel class masks, held in memory at their own size:
 * {@code <root>/<vi|ir>/<id>.<ext>} (or {@code visible/}, {@code infrared/}, …, see {@link Modality#findImageDir}) and
 * {@code <root>/mask/<id>.png} or {@code <masks>/<id>.png}. Masks are single-channel (grey, 8 or 16 bit, or palette
 * indices); their values pass through a {@link LabelMap} and must then be a class id or the ignore index.
 * Every problem names the file: a missing or corrupt image or mask, a mask whose size differs from its image, a
 * value that is neither a class nor ignored, no images at all.
 *
 * <p>Images are 3 planes in [0, 1]: RGB as decoded, IR grey (8-bit /255, wider samples min/max per image,
 * 3-channel files by luma) replicated to 3 identical channels, as pre-training reads them.
 */
public final class SegDataset {
    private static final String[] MASK_EXTENSIONS = {".png", ".bmp", ".tif", ".tiff"};

    /**
     * One labelled image.
     *
     * @param image 3 planes in [0, 1] at the file's size
     * @param mask  class ids (or the ignore index), row-major, same size as the image
     */
    public record Item(String id, Path imageFile, Path maskFile, Planes image, int[] mask) {
        public int height() {
            return image.height();
        }

        public int width() {
            return image.width();
        }
    }

    private final List<Item> items;
    private final SegClasses classes;
    private final Modality modality;
    private final int ignoreIndex;
    private final String source;

    private SegDataset(List<Item> items, SegClasses classes, Modality modality, int ignoreIndex, String source) {
        this.items = List.copyOf(items);
        this.classes = classes;
        this.modality = modality;
        this.ignoreIndex = ignoreIndex;
        this.source = source;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A dataset made from items already in memory (e.g. generated in a test). */
    public static SegDataset of(List<Item> items, SegClasses classes, Modality modality, int ignoreIndex) {
        if (items.isEmpty()) {
            throw new DataException("a segmentation dataset needs at least one image");
        }
        for (Item it : items) {
            checkMask(it.mask(), it.maskFile(), classes.size(), ignoreIndex, LabelMap.identity());
        }
        return new SegDataset(items, classes, modality, ignoreIndex, "memory");
    }

    public List<Item> items() {
        return items;
    }

    public Item get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    public SegClasses classes() {
        return classes;
    }

    public Modality modality() {
        return modality;
    }

    public int ignoreIndex() {
        return ignoreIndex;
    }

    /** Where the data came from, for messages. */
    public String source() {
        return source;
    }

    /** The items whose ids are listed, in the given order (for train/val splits of one loaded set). */
    public SegDataset subset(List<String> ids) {
        List<Item> out = new ArrayList<>();
        for (String id : ids) {
            Item found = items.stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow(() ->
                    new DataException("id '" + id + "' is not in " + source));
            out.add(found);
        }
        if (out.isEmpty()) {
            throw new DataException("empty subset of " + source);
        }
        return new SegDataset(out, classes, modality, ignoreIndex, source + " (" + out.size() + " ids)");
    }

    /** Data location and reading options. Required: {@link #setData} (or {@link #setRoot}), {@link #setModality}. */
    public static final class Builder {
        private RootSpec data;
        private Modality modality;
        private Path masks;
        private LabelMap labelMap = LabelMap.identity();
        private SegClasses classes;
        private int ignoreIndex = PixelCrossEntropy.DEFAULT_IGNORE_INDEX;

        /** {@code ROOT} or {@code ROOT:ids.txt} (ids one a line, see {@link RootSpec#parse}). */
        public Builder setData(String spec) {
            data = RootSpec.parse(spec);
            return this;
        }

        public Builder setRoot(Path root) {
            data = RootSpec.of(root);
            return this;
        }

        /** An ids file (one id a line); call after {@link #setData} or {@link #setRoot}. */
        public Builder optIds(Path idsFile) {
            if (data == null) {
                throw new IllegalStateException("call setData or setRoot before optIds");
            }
            data = data.withIds(idsFile);
            return this;
        }

        public Builder setModality(Modality v) {
            modality = v;
            return this;
        }

        /** Mask folder; default {@code <root>/mask}. */
        public Builder optMasks(Path dir) {
            masks = dir;
            return this;
        }

        public Builder optLabelMap(LabelMap v) {
            labelMap = v;
            return this;
        }

        /** Class names; default {@code <root>/classes.txt}, else an error asking for them. */
        public Builder optClasses(SegClasses v) {
            classes = v;
            return this;
        }

        public Builder optIgnoreIndex(int v) {
            ignoreIndex = v;
            return this;
        }

        public SegDataset load() {
            if (data == null || modality == null) {
                throw new IllegalArgumentException("SegDataset needs setData (ROOT[:ids.txt]) and setModality");
            }
            Path root = data.root();
            if (!Files.isDirectory(root)) {
                throw new DataException("data root " + root + " does not exist or is not a folder");
            }
            SegClasses names = classes != null ? classes : defaultClasses(root);
            if (ignoreIndex >= 0 && ignoreIndex < names.size()) {
                throw new IllegalArgumentException("ignore index " + ignoreIndex + " is one of the " + names.size()
                        + " classes; use a value outside [0, " + names.size() + "), e.g. 255");
            }
            Path imageDir = modality.findImageDir(root);
            if (imageDir == null) {
                throw new DataException("no " + modality.key() + " image folder under " + root + ": expected one of "
                        + modality.imageDirCandidates());
            }
            Path maskDir = masks != null ? masks : root.resolve("mask");
            if (!Files.isDirectory(maskDir)) {
                throw new DataException("mask folder " + maskDir + " does not exist (give it with --masks DIR, or put"
                        + " class-id PNGs in <root>/mask/)");
            }
            Map<String, List<Path>> images = listImages(imageDir);
            List<String> ids = data.ids() != null ? listedIds() : List.copyOf(images.keySet());
            if (ids.isEmpty()) {
                throw new DataException("empty dataset: no images in " + imageDir
                        + (data.ids() != null ? " for the ids in " + data.ids() : ""));
            }
            List<Item> items = IntStream.range(0, ids.size()).parallel()
                    .mapToObj(i -> read(ids.get(i), images, imageDir, maskDir, names.size())).toList();
            return new SegDataset(items, names, modality, ignoreIndex, data.toString());
        }

        private static SegClasses defaultClasses(Path root) {
            Path file = root.resolve("classes.txt");
            if (!Files.isRegularFile(file)) {
                throw new DataException("no class names: " + file + " does not exist; give them with --classes"
                        + " background,person (or a class file)");
            }
            return SegClasses.read(file);
        }

        private List<String> listedIds() {
            if (!Files.isRegularFile(data.ids())) {
                throw new DataException("ids file " + data.ids() + " does not exist (expected one image id per line)");
            }
            return List.copyOf(PairIndex.readIds(data.ids()));
        }

        private Item read(String id, Map<String, List<Path>> images, Path imageDir, Path maskDir, int numClasses) {
            List<Path> files = images.get(id);
            if (files == null) {
                throw new DataException("no image for id '" + id + "' in " + imageDir
                        + (data.ids() != null ? " (listed in " + data.ids() + ")" : ""));
            }
            if (files.size() > 1) {
                throw new DataException("several images for id '" + id + "' in " + imageDir + ": " + files
                        + " (remove the extra files)");
            }
            Path imageFile = files.get(0);
            Path maskFile = findMask(maskDir, id);
            if (maskFile == null) {
                throw new DataException("missing mask for " + imageFile + ": expected " + maskDir.resolve(id + ".png"));
            }
            BufferedImage img = ImageDecoder.read(imageFile);
            Planes image = planes(img, modality, imageFile);
            BufferedImage maskImage = ImageDecoder.read(maskFile);
            if (maskImage.getWidth() != img.getWidth() || maskImage.getHeight() != img.getHeight()) {
                throw new DataException(String.format(Locale.ROOT, "mask %s is %dx%d but its image %s is %dx%d; masks"
                                + " must have their image's size", maskFile, maskImage.getWidth(), maskImage.getHeight(),
                        imageFile, img.getWidth(), img.getHeight()));
            }
            int[] mask = classIds(maskImage, maskFile);
            for (int p = 0; p < mask.length; p++) {
                mask[p] = labelMap.apply(mask[p]);
            }
            checkMask(mask, maskFile, numClasses, ignoreIndex, labelMap);
            return new Item(id, imageFile, maskFile, image, mask);
        }
    }

    /** Every value must be a class or the ignore index; the error names the file, the value and where it is. */
    static void checkMask(int[] mask, Path file, int numClasses, int ignoreIndex, LabelMap labelMap) {
        for (int p = 0; p < mask.length; p++) {
            int v = mask[p];
            if (v != ignoreIndex && (v < 0 || v >= numClasses)) {
                throw new DataException("mask " + file + " holds class " + v + " (pixel " + p + ", after label map "
                        + labelMap + ") but there are only " + numClasses + " classes [0, " + numClasses
                        + ") and the ignore index is " + ignoreIndex + "; map the mask values (e.g. --label-map 255:1"
                        + " for 0/255 masks) or give more class names");
            }
        }
    }

    /** Mask pixel values: band 0 of a grey or palette image; a multi-band mask is accepted only if its bands agree. */
    static int[] classIds(BufferedImage mask, Path file) {
        Raster r = mask.getRaster();
        int w = mask.getWidth();
        int h = mask.getHeight();
        int[] values = r.getSamples(r.getMinX(), r.getMinY(), w, h, 0, (int[]) null);
        if (r.getNumBands() > 1 && !(mask.getColorModel() instanceof IndexColorModel)) {
            int bands = Math.min(r.getNumBands(), 3); // an alpha band is not a label
            for (int b = 1; b < bands; b++) {
                int[] other = r.getSamples(r.getMinX(), r.getMinY(), w, h, b, (int[]) null);
                if (!java.util.Arrays.equals(values, other)) {
                    throw new DataException("mask " + file + " is a colour image with differing channels; masks must be"
                            + " single-channel class-id PNGs (grey or palette)");
                }
            }
        }
        return values;
    }

    private static Path findMask(Path dir, String id) {
        for (String ext : MASK_EXTENSIONS) {
            Path p = dir.resolve(id + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** Image files by stem, sorted. */
    private static Map<String, List<Path>> listImages(Path dir) {
        Map<String, List<Path>> byStem = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> Files.isRegularFile(f) && PairIndex.isImage(f) && !f.getFileName().toString().startsWith("."))
                    .sorted().forEach(f -> byStem.computeIfAbsent(PairIndex.stem(f.getFileName().toString()),
                            k -> new ArrayList<>()).add(f));
        } catch (IOException e) {
            throw new DataException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return byStem;
    }

    /**
     * A decoded image as the model reads it: RGB planes, or for IR one grey plane (8-bit /255, wider min/max, colour
     * files by luma) replicated to 3 channels; {@code source} names the image in warnings.
     */
    public static Planes planes(BufferedImage img, Modality modality, Object source) {
        return Images.threeChannels(modality.decode(img, IrScaling.minMax(), source));
    }
}
