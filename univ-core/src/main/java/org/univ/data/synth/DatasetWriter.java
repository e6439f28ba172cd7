package org.univ.data.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.univ.data.Images;

/** Writes a synthetic data set in the folder layout of the real (MSRS-style) data. */
final class DatasetWriter {
    private static final long SPLIT_STREAM = -2;

    private DatasetWriter() {}

    private record Written(String id, boolean night, int boxes) {}

    static SynthSummary write(SceneGenerator generator, Path dir, int pairs) {
        if (pairs < 1) {
            throw new IllegalArgumentException("number of pairs must be >= 1, got " + pairs);
        }
        prepare(dir);
        List<Written> written = IntStream.range(0, pairs).parallel()
                .mapToObj(i -> writePair(generator.render(i), generator.width(), generator.height(), dir))
                .toList();
        List<String> ids = written.stream().map(Written::id).toList();
        List<String> val = validationIds(ids, generator.seed(), generator.valFraction());
        Set<String> held = new HashSet<>(val);
        List<String> train = ids.stream().filter(id -> !held.contains(id)).toList();
        writeText(dir.resolve("classes.txt"), SegClass.labelled().stream().map(c -> c.id() + " " + c.label()).toList());
        writeText(dir.resolve("labels/classes.txt"), BoxClass.all().stream().map(c -> c.id() + " " + c.label()).toList());
        writeText(dir.resolve("train.txt"), train);
        writeText(dir.resolve("val.txt"), val);
        return new SynthSummary(dir, ids, train, val, (int) written.stream().filter(Written::night).count(),
                written.stream().mapToInt(Written::boxes).sum());
    }

    /** A fixed share of the ids, chosen by a seeded shuffle (at least one when the share is > 0 and there are ≥ 2 pairs). */
    static List<String> validationIds(List<String> ids, long seed, double fraction) {
        int n = ids.size();
        int count = fraction == 0 || n < 2 ? 0 : (int) Math.max(1, Math.min(n - 1, Math.round(n * fraction)));
        List<String> order = new ArrayList<>(ids);
        Dice dice = new Dice(Noise.derive(seed, SPLIT_STREAM));
        for (int i = n - 1; i > 0; i--) {
            Collections.swap(order, i, dice.below(i + 1));
        }
        return order.subList(0, count).stream().sorted().toList();
    }

    private static void prepare(Path dir) {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(dir + " exists and is not a folder; choose a new output folder");
            }
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(dir + " is not empty; synthetic data goes into a new or empty "
                            + "folder (choose another output folder or delete this one)");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        for (String sub : List.of("vi", "ir", "mask", "labels/visible", "labels/infrared")) {
            Path p = dir.resolve(sub);
            try {
                Files.createDirectories(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + p + " (is the folder writable?): " + e, e);
            }
        }
    }

    private static Written writePair(Scene scene, int width, int height, Path dir) {
        String id = scene.id();
        Images.writePng(scene.rgb(), dir.resolve("vi/" + id + ".png"));
        Images.writePng(scene.ir(), dir.resolve("ir/" + id + ".png"));
        Images.writePng(scene.maskImage(), dir.resolve("mask/" + id + ".png"));
        List<String> lines = scene.boxes().stream().map(b -> b.yolo(width, height)).collect(Collectors.toList());
        // the pair is pixel-aligned: both modalities carry the same boxes
        writeText(dir.resolve("labels/visible/" + id + ".txt"), lines);
        writeText(dir.resolve("labels/infrared/" + id + ".txt"), lines);
        return new Written(id, scene.night(), lines.size());
    }

    private static void writeText(Path file, List<String> lines) {
        String text = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + " (is the disk full or the folder read-only?): " + e, e);
        }
    }
}
