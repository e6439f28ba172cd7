package org.univ.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.univ.cli.report.Figures;
import org.univ.cli.report.HtmlReport;
import org.univ.data.CoAugment;
import org.univ.data.Images;
import org.univ.data.synth.SegClass;
import org.univ.demo.Demo;
import org.univ.model.Backbone;
import org.univ.model.Backbones;

/** The demo's pictures (attention as in the paper's Figure 1, probe overlays) and its HTML report. */
final class DemoReport {
    private DemoReport() {}

    static void write(Demo.Result r, Path data, Path runDir, Demo.DemoConfig cfg) throws IOException {
        Path figures = runDir.resolve("figures");
        Files.createDirectories(figures);
        Map<String, String> captions = new LinkedHashMap<>();
        Figures.Palette palette = Figures.Palette.generated(SegClass.labelled().stream().map(SegClass::label).toList());
        for (int k = 0; k < r.sampleIds().size(); k++) {
            String id = r.sampleIds().get(k);
            Path rgbFile = image(data.resolve("vi"), id);
            Path irFile = image(data.resolve("ir"), id);
            Images.Planes rgb = Images.resize(Images.toRgb(Images.read(rgbFile)), cfg.height, cfg.width);
            Images.Planes ir = Images.resize(Images.toRgb(Images.read(irFile)), cfg.height, cfg.width);
            int[] truth = org.univ.demo.SceneSet.readMask(image(data.resolve("mask"), id), cfg.width, cfg.height);
            if (k == 0) {
                int[] patch = personPatch(truth, cfg.width, cfg.height, 16);
                try (NDManager m = NDManager.newBaseManager();
                     Backbone teacher = Backbones.load(r.teacher(), m, true);
                     Backbone student = Backbones.load(r.student(), m, true);
                     NDScope scope = new NDScope()) {
                    Figures.attentionFigure(teacher, student,
                            Images.normalize(m, rgb, CoAugment.IMAGENET_MEAN, CoAugment.IMAGENET_STD),
                            Images.normalize(m, ir, CoAugment.IR_MEAN, CoAugment.IR_STD),
                            Images.toDisplay(rgb), Images.toDisplay(ir), patch[0], patch[1],
                            figures.resolve("attention_" + id + ".png"));
                }
                captions.put("attention_" + id + ".png", "Held-out pair " + id + ", patch (" + patch[0] + ", " + patch[1]
                        + "): (a) the RGB teacher's attention on the RGB image; (b) the UNIV student's IR token compared with"
                        + " the teacher's RGB tokens; (c) the teacher's own IR token compared with its RGB tokens.");
            }
            for (String who : List.of("teacher", "student")) {
                for (String modality : List.of(Demo.RGB, Demo.IR, Demo.IR_WITH_RGB_HEAD)) {
                    int[][] predictions = r.samples().get(who + "/" + modality);
                    if (predictions == null || k >= predictions.length) {
                        continue;
                    }
                    String name = "probe_" + id + "_" + modality + "_" + who + ".png";
                    BufferedImage shown = Images.toDisplay(modality.equals(Demo.RGB) ? rgb : ir);
                    Figures.segmentationOverlay(shown, predictions[k], truth, palette, figures.resolve(name));
                    String input = modality.equals(Demo.RGB) ? "RGB input, head trained on RGB"
                            : modality.equals(Demo.IR) ? "IR input, head trained on IR" : "IR input, the head trained on RGB";
                    captions.put(name, "Linear probe on frozen " + who + " tokens (" + input + "), held-out pair " + id
                            + ": image, prediction, ground truth.");
                }
            }
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(figures.resolve("captions.json").toFile(), captions);
        HtmlReport.write(runDir);
    }

    private static Path image(Path dir, String id) {
        for (String ext : new String[] {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"}) {
            Path p = dir.resolve(id + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no image for " + id + " in " + dir);
    }

    /** The token (row, col) at the centre of the person pixels, or the image centre when there is none. */
    static int[] personPatch(int[] mask, int width, int height, int patch) {
        long sx = 0;
        long sy = 0;
        long n = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (mask[y * width + x] == SegClass.PERSON.id()) {
                    sx += x;
                    sy += y;
                    n++;
                }
            }
        }
        int cx = n == 0 ? width / 2 : (int) (sx / n);
        int cy = n == 0 ? height / 2 : (int) (sy / n);
        return new int[] {Math.min(cy / patch, height / patch - 1), Math.min(cx / patch, width / patch - 1)};
    }
}
