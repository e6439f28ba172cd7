package org.univ.data.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.Shared;
import org.univ.data.Images;

class SceneGeneratorTest {
    private static final int SCENES = 48;
    private static List<Scene> scenes;

    @BeforeAll
    static void renderScenes() {
        SceneGenerator g = SceneGenerator.builder().optSeed(11).build();
        scenes = IntStream.range(0, SCENES).mapToObj(g::render).toList();
    }

    // ---- determinism and files -------------------------------------------------------------------

    @Test
    void sameSeedGivesIdenticalFilesOtherSeedDiffers(@TempDir Path tmp) throws Exception {
        SceneGenerator g = SceneGenerator.builder().optSeed(5).build();
        Map<String, String> first = hashes(g.write(tmp.resolve("a"), 8).dir());
        Map<String, String> again = hashes(SceneGenerator.builder().optSeed(5).build().write(tmp.resolve("b"), 8).dir());
        Map<String, String> other = hashes(SceneGenerator.builder().optSeed(6).build().write(tmp.resolve("c"), 8).dir());
        assertEquals(8 * 5 + 4, first.size(), first.keySet().toString()); // 3 PNGs + 2 label files a pair, 4 lists
        assertEquals(first, again);
        assertEquals(first.keySet(), other.keySet());
        for (String file : first.keySet()) {
            if (file.endsWith(".png")) {
                assertNotEquals(first.get(file), other.get(file), file + " is the same under another seed");
            }
        }
        // what the (parallel) writer stored is what render(i) returns, in any order
        for (int i : new int[] {7, 0, 3}) {
            Scene s = g.render(i);
            assertArrayEquals(pixels(s.rgb()), pixels(Images.read(tmp.resolve("a/vi/" + s.id() + ".png"))));
            assertArrayEquals(grey(s.ir()), grey(Images.read(tmp.resolve("a/ir/" + s.id() + ".png"))));
            assertArrayEquals(s.mask(), grey(Images.read(tmp.resolve("a/mask/" + s.id() + ".png"))));
        }
    }

    @Test
    void folderLayoutIsTheRealDataLayout(@TempDir Path tmp) throws Exception {
        SceneGenerator g = SceneGenerator.builder().optSeed(3).build();
        SynthSummary summary = g.write(tmp.resolve("synth"), 8);
        Path dir = summary.dir();
        List<String> ids = IntStream.range(0, 8).mapToObj(i -> SceneGenerator.id(i, g.isNight(i))).toList();
        assertEquals(ids, summary.ids());
        assertEquals(List.of("00000D", "00001N", "00002D", "00003N"), ids.subList(0, 4));
        for (String sub : List.of("vi", "ir", "mask")) {
            assertEquals(Set.copyOf(ids), stems(dir.resolve(sub), ".png"), sub);
        }
        for (String sub : List.of("labels/visible", "labels/infrared")) {
            assertEquals(Set.copyOf(ids), stems(dir.resolve(sub), ".txt"), sub);
        }
        assertEquals(List.of("0 sky", "1 road", "2 vegetation", "3 building", "4 car", "5 person"),
                Files.readAllLines(dir.resolve("classes.txt")));
        List<String> boxClasses = Files.readAllLines(dir.resolve("labels/classes.txt"));
        assertEquals(List.of("0 person", "1 bicycle", "2 car"), boxClasses);

        List<String> train = Files.readAllLines(dir.resolve("train.txt"));
        List<String> val = Files.readAllLines(dir.resolve("val.txt"));
        assertEquals(2, val.size(), "a quarter of 8 for validation");
        assertEquals(Set.copyOf(ids), Stream.concat(train.stream(), val.stream()).collect(Collectors.toSet()));
        assertEquals(8, train.size() + val.size(), "train and val are disjoint");
        assertEquals(summary.train(), train);
        assertEquals(summary.val(), val);

        int lines = 0;
        for (String id : ids) {
            BufferedImage vi = Images.read(dir.resolve("vi/" + id + ".png"));
            BufferedImage ir = Images.read(dir.resolve("ir/" + id + ".png"));
            BufferedImage mask = Images.read(dir.resolve("mask/" + id + ".png"));
            assertEquals(3, vi.getRaster().getNumBands(), id);
            assertEquals(1, ir.getRaster().getNumBands(), id);
            assertEquals(1, mask.getRaster().getNumBands(), id);
            for (BufferedImage img : List.of(vi, ir, mask)) {
                assertEquals(8, Images.bitDepth(img), id);
                assertEquals(160, img.getWidth(), id);
                assertEquals(128, img.getHeight(), id);
            }
            List<String> visible = Files.readAllLines(dir.resolve("labels/visible/" + id + ".txt"));
            assertEquals(visible, Files.readAllLines(dir.resolve("labels/infrared/" + id + ".txt")), "aligned pair, same boxes");
            for (String line : visible) {
                String[] t = line.split(" ");
                assertEquals(5, t.length, line);
                int cls = Integer.parseInt(t[0]);
                assertTrue(boxClasses.contains(cls + " person") || boxClasses.contains(cls + " car"), line);
                double cx = Double.parseDouble(t[1]);
                double cy = Double.parseDouble(t[2]);
                double w = Double.parseDouble(t[3]);
                double h = Double.parseDouble(t[4]);
                assertTrue(w > 0 && h > 0 && w <= 1 && h <= 1, line);
                assertTrue(cx - w / 2 >= -1e-6 && cx + w / 2 <= 1 + 1e-6 && cy - h / 2 >= -1e-6 && cy + h / 2 <= 1 + 1e-6, line);
                lines++;
            }
        }
        assertEquals(summary.boxes(), lines);
        assertEquals(4, summary.night());
    }

    @Test
    void boxClassIdsAreThoseOfTheRealLabels() throws IOException {
        Path real = Shared.require("data/msrs/labels/classes.txt");
        assertEquals(Files.readAllLines(real).stream().map(String::strip).filter(l -> !l.isEmpty()).toList(),
                BoxClass.all().stream().map(c -> c.id() + " " + c.label()).toList());
    }

    // ---- labels agree with the images ------------------------------------------------------------

    @Test
    void masksAndBoxesAgree() {
        Set<Integer> allowed = new HashSet<>();
        SegClass.labelled().forEach(c -> allowed.add(c.id()));
        allowed.add(SegClass.IGNORE);
        int people = 0;
        int cars = 0;
        int ignored = 0;
        for (Scene s : scenes) {
            for (Box b : s.boxes()) {
                int cls = segClassOf(b.boxClass());
                int inside = 0;
                for (int y = b.y0(); y < b.y1(); y++) {
                    for (int x = b.x0(); x < b.x1(); x++) {
                        inside += s.classAt(x, y) == cls ? 1 : 0;
                    }
                }
                assertTrue(inside >= SceneGenerator.MIN_BOX_PIXELS, s.id() + " " + b + " covers " + inside + " pixels of its class");
                // the box is tight: each of its edges touches a pixel of its class
                assertTrue(rowHas(s, b.y0(), b, cls) && rowHas(s, b.y1() - 1, b, cls), s.id() + " " + b);
                assertTrue(colHas(s, b.x0(), b, cls) && colHas(s, b.x1() - 1, b, cls), s.id() + " " + b);
                people += b.boxClass() == BoxClass.PERSON ? 1 : 0;
                cars += b.boxClass() == BoxClass.CAR ? 1 : 0;
            }
            for (int y = 0; y < s.height(); y++) {
                for (int x = 0; x < s.width(); x++) {
                    int c = s.classAt(x, y);
                    assertTrue(allowed.contains(c), s.id() + " has mask value " + c);
                    ignored += c == SegClass.IGNORE ? 1 : 0;
                    if (c == SegClass.PERSON.id() || c == SegClass.CAR.id()) {
                        int px = x;
                        int py = y;
                        assertTrue(s.boxes().stream().anyMatch(b -> segClassOf(b.boxClass()) == c && b.contains(px, py)),
                                s.id() + " pixel (" + x + "," + y + ") of class " + c + " is in no box of its class");
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d scenes: %d person boxes, %d car boxes, %.2f%% ignored pixels%n", SCENES, people,
                cars, 100.0 * ignored / (SCENES * 160 * 128));
        assertTrue(people >= SCENES && cars >= SCENES, people + " people, " + cars + " cars");
        assertTrue(ignored > 0, "object borders are ignored");
    }

    @Test
    void infraredIsThermalAndNightIsDark() {
        double dayLuma = 0;
        double nightLuma = 0;
        double[] irPersonSky = new double[4]; // person sum, count, sky sum, count
        double correlation = 0;
        double nightIrContrast = 0;
        double nightRgbContrast = 0;
        int nightScenesWithPeople = 0;
        for (Scene s : scenes) {
            ClassMeans m = ClassMeans.of(s);
            if (s.night()) {
                nightLuma += m.meanLuma / (SCENES / 2.0);
            } else {
                dayLuma += m.meanLuma / (SCENES / 2.0);
            }
            int person = SegClass.PERSON.id();
            int sky = SegClass.SKY.id();
            int road = SegClass.ROAD.id();
            if (m.count[person] >= 20 && m.count[sky] >= 20) {
                assertTrue(m.ir(person) - m.ir(sky) > 30, String.format(Locale.ROOT, "%s: IR person %.1f sky %.1f", s.id(),
                        m.ir(person), m.ir(sky)));
            }
            irPersonSky[0] += m.irSum[person];
            irPersonSky[1] += m.count[person];
            irPersonSky[2] += m.irSum[sky];
            irPersonSky[3] += m.count[sky];
            correlation += m.lumaIrCorrelation / SCENES;
            if (s.night() && m.count[person] >= 20) {
                // at night people stand out from the road in IR, hardly in RGB
                assertTrue(m.ir(person) - m.ir(road) > 15, s.id() + ": IR person " + m.ir(person) + " road " + m.ir(road));
                nightIrContrast += m.ir(person) - m.ir(road);
                nightRgbContrast += Math.abs(m.luma(person) - m.luma(road));
                nightScenesWithPeople++;
            }
        }
        double irPerson = irPersonSky[0] / irPersonSky[1];
        double irSky = irPersonSky[2] / irPersonSky[3];
        System.out.printf(Locale.ROOT, "mean luma day %.1f night %.1f; IR person %.1f sky %.1f; corr(luma, IR) %.2f; "
                        + "night person-road contrast IR %.1f RGB %.1f (%d scenes)%n", dayLuma, nightLuma, irPerson, irSky,
                correlation, nightIrContrast / nightScenesWithPeople, nightRgbContrast / nightScenesWithPeople,
                nightScenesWithPeople);
        assertTrue(irPerson - irSky > 100, "IR person " + irPerson + " sky " + irSky);
        assertTrue(nightLuma < 0.5 * dayLuma, "night " + nightLuma + " day " + dayLuma);
        assertTrue(Math.abs(correlation) < 0.4, "IR is not a grey copy of RGB: correlation " + correlation);
        assertTrue(nightScenesWithPeople >= 5);
        assertTrue(nightIrContrast > 2.5 * nightRgbContrast, nightIrContrast + " vs " + nightRgbContrast);
    }

    /**
     * Histogram overlap Σ min(p_a, p_b) of two classes' colours (8 levels per channel): 0 means one colour
     * lookup separates them. People and cars must share colours with the background classes even by day.
     */
    @Test
    void colourAloneDoesNotGiveClassesAway() {
        int classes = SegClass.labelled().size();
        double[][] all = new double[classes][512];
        double[][] day = new double[classes][512];
        for (Scene s : scenes) {
            for (int y = 0; y < s.height(); y++) {
                for (int x = 0; x < s.width(); x++) {
                    int c = s.classAt(x, y);
                    if (c < classes) {
                        int p = s.rgb().getRGB(x, y);
                        int bin = ((p >> 21) & 7) * 64 + ((p >> 13) & 7) * 8 + ((p >> 5) & 7);
                        all[c][bin]++;
                        if (!s.night()) {
                            day[c][bin]++;
                        }
                    }
                }
            }
        }
        StringBuilder report = new StringBuilder();
        for (int a = 0; a < classes; a++) {
            for (int b = a + 1; b < classes; b++) {
                double pooled = overlap(all[a], all[b]);
                report.append(String.format(Locale.ROOT, "%d-%d %.2f/%.2f  ", a, b, pooled, overlap(day[a], day[b])));
                assertTrue(pooled > 0.1, "classes " + a + " and " + b + " overlap only " + pooled);
            }
        }
        System.out.println("colour overlap pooled/day: " + report);
        for (SegClass thing : List.of(SegClass.PERSON, SegClass.CAR)) {
            for (SegClass other : List.of(SegClass.ROAD, SegClass.VEGETATION, SegClass.BUILDING, SegClass.PERSON, SegClass.CAR)) {
                if (thing != other) {
                    double o = overlap(day[thing.id()], day[other.id()]);
                    assertTrue(o > 0.05, thing + " vs " + other + " by day overlap only " + o);
                }
            }
        }
    }

    // ---- configuration -----------------------------------------------------------------------------

    @Test
    void nightPairsAreSpreadAtTheRequestedFraction() {
        SceneGenerator quarter = SceneGenerator.builder().optNightFraction(0.25).build();
        assertEquals(List.of(3, 7), IntStream.range(0, 8).filter(quarter::isNight).boxed().toList());
        assertTrue(IntStream.range(0, 50).noneMatch(SceneGenerator.builder().optNightFraction(0).build()::isNight));
        assertTrue(IntStream.range(0, 50).allMatch(SceneGenerator.builder().optNightFraction(1).build()::isNight));
        Scene night = quarter.render(3);
        assertTrue(night.night() && night.id().equals("00003N"));
        assertEquals("00012D", SceneGenerator.id(12, false));
    }

    @Test
    void splitIsSeededAndKeepsTheFraction() {
        List<String> ids = IntStream.range(0, 400).mapToObj(i -> SceneGenerator.id(i, i % 2 == 1)).toList();
        List<String> val = DatasetWriter.validationIds(ids, 1, 0.25);
        assertEquals(100, val.size());
        assertEquals(val, DatasetWriter.validationIds(ids, 1, 0.25));
        assertNotEquals(val, DatasetWriter.validationIds(ids, 2, 0.25));
        long nights = val.stream().filter(id -> id.endsWith("N")).count();
        assertTrue(nights > 30 && nights < 70, "day and night both in val: " + nights);
        assertEquals(List.of(), DatasetWriter.validationIds(ids, 1, 0));
        assertEquals(1, DatasetWriter.validationIds(ids.subList(0, 2), 1, 0.25).size());
    }

    @Test
    void otherSizesRenderWithConsistentLabels() {
        Scene s = SceneGenerator.builder().optSize(224, 96).optSeed(4).build().render(1);
        assertEquals(224, s.width());
        assertEquals(96, s.height());
        assertEquals(224, s.ir().getWidth());
        assertEquals(224 * 96, s.mask().length);
        s.boxes().forEach(b -> assertTrue(b.x1() <= 224 && b.y1() <= 96, b.toString()));
    }

    @Test
    void badSettingsAreRefusedClearly(@TempDir Path tmp) throws IOException {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SceneGenerator.builder().optSize(16, 128).build())
                .getMessage().contains("16x128"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SceneGenerator.builder().optNightFraction(1.5).build())
                .getMessage().contains("night fraction"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SceneGenerator.builder().optValFraction(1).build())
                .getMessage().contains("validation fraction"));
        SceneGenerator g = SceneGenerator.builder().build();
        assertThrows(IllegalArgumentException.class, () -> g.render(-1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.write(tmp.resolve("x"), 0)).getMessage().contains(">= 1"));
        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("notes.txt"), "mine");
        String message = assertThrows(IllegalArgumentException.class, () -> g.write(used, 2)).getMessage();
        assertTrue(message.contains(used.toString()) && message.contains("not empty"), message);
        assertEquals(List.of("notes.txt"), stems(used, ".txt").stream().map(n -> n + ".txt").toList(), "nothing written");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.write(file, 2)).getMessage().contains("not a folder"));
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** Per-class means of luma and IR grey level, the image's mean luma and the luma–IR correlation. */
    private record ClassMeans(double[] lumaSum, double[] irSum, int[] count, double meanLuma, double lumaIrCorrelation) {
        static ClassMeans of(Scene s) {
            double[] luma = new double[256];
            double[] ir = new double[256];
            int[] count = new int[256];
            double sl = 0;
            double si = 0;
            double sll = 0;
            double sii = 0;
            double sli = 0;
            int n = s.width() * s.height();
            for (int y = 0; y < s.height(); y++) {
                for (int x = 0; x < s.width(); x++) {
                    int p = s.rgb().getRGB(x, y);
                    double l = 0.299 * ((p >> 16) & 255) + 0.587 * ((p >> 8) & 255) + 0.114 * (p & 255);
                    double t = s.ir().getRaster().getSample(x, y, 0);
                    int c = s.classAt(x, y);
                    luma[c] += l;
                    ir[c] += t;
                    count[c]++;
                    sl += l;
                    si += t;
                    sll += l * l;
                    sii += t * t;
                    sli += l * t;
                }
            }
            double cov = sli / n - sl / n * si / n;
            double corr = cov / Math.sqrt((sll / n - sl * sl / n / n) * (sii / n - si * si / n / n));
            return new ClassMeans(luma, ir, count, sl / n, corr);
        }

        double ir(int c) {
            return irSum[c] / count[c];
        }

        double luma(int c) {
            return lumaSum[c] / count[c];
        }
    }

    private static double overlap(double[] a, double[] b) {
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            na += a[i];
            nb += b[i];
        }
        double o = 0;
        for (int i = 0; i < a.length; i++) {
            o += Math.min(a[i] / na, b[i] / nb);
        }
        return o;
    }

    private static int segClassOf(BoxClass c) {
        return (c == BoxClass.PERSON ? SegClass.PERSON : SegClass.CAR).id();
    }

    private static boolean rowHas(Scene s, int y, Box b, int cls) {
        return IntStream.range(b.x0(), b.x1()).anyMatch(x -> s.classAt(x, y) == cls);
    }

    private static boolean colHas(Scene s, int x, Box b, int cls) {
        return IntStream.range(b.y0(), b.y1()).anyMatch(y -> s.classAt(x, y) == cls);
    }

    private static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Path f : files) {
            out.put(dir.relativize(f).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
        }
        return out;
    }

    private static Set<String> stems(Path dir, String suffix) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .map(n -> n.substring(0, n.length() - suffix.length())).collect(Collectors.toSet());
        }
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private static byte[] grey(BufferedImage img) {
        int[] samples = img.getRaster().getSamples(0, 0, img.getWidth(), img.getHeight(), 0, (int[]) null);
        byte[] out = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = (byte) samples[i];
        }
        return out;
    }
}
