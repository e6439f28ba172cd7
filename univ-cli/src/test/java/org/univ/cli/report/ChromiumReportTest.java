package org.univ.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a generated report in headless Chromium (Debian's {@code chromium}, offline, sandbox-free, fresh profile):
 * every embedded picture must decode at its file's size, and a screenshot must show the page with the pictures.
 * Set {@code -Duniv.report.screenshot=FILE} to keep the screenshot.
 */
class ChromiumReportTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Test-only: after load, lists what the browser decoded ("W x H" per img) in a pre the DOM dump shows. */
    private static final String PROBE = "<script>addEventListener('load', () => {"
            + " const p = document.createElement('pre'); p.id = 'probe';"
            + " p.textContent = [...document.images].map(i => i.naturalWidth + 'x' + i.naturalHeight).join(',');"
            + " document.body.appendChild(p); });</script>";

    @TempDir
    Path dir;

    @Test
    void everyPictureDecodesAndTheScreenshotShowsThePage() throws Exception {
        assumeChromium();
        Path run = TestRuns.demo(dir.resolve("run"));
        HtmlReport.Result report = HtmlReport.write(run); // draws the loss curves
        List<String> expected = new ArrayList<>();
        for (String png : List.of("loss_curve.png", "teacher_loss_curve.png", "figures/attention_pair_01.png",
                "figures/seg/overlay-val.png")) {
            expected.add(size(run.resolve(png)));
        }
        // The figure's 80x90 marker half is drawn 1:1; the charts' anti-aliased lines and the text add many colours.
        assertRenders(report, expected, 80 * 90 * 9 / 10, 200);
    }

    @Test
    void aTransferFolderShowsItsTableAndEveryPicture() throws Exception {
        assumeChromium();
        Path run = TestRuns.transfer(dir.resolve("transfer"));
        List<String> expected = new ArrayList<>();
        for (String who : List.of("teacher", "student")) {
            for (String m : List.of("ir", "rgb")) {
                expected.add(size(run.resolve("det_" + who + "_" + m + ".png")));
            }
        }
        HtmlReport.Result report = HtmlReport.write(run);
        String dom = assertRenders(report, expected, 48 * 72 * 9 / 10, 50);
        assertTrue(dom.contains("Teacher vs UNIV student") && dom.contains("UNIV − teacher"), "the table is on the page");
    }

    private static void assumeChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM),
                "/usr/bin/chromium is not installed (apt-get install -y chromium): browser check skipped");
    }

    private static String size(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        return img.getWidth() + "x" + img.getHeight();
    }

    /**
     * The page in Chromium: every {@code <img>} decodes at the expected size (page order), and a screenshot shows at
     * least {@code markerPixels} of {@link TestRuns#MARKER} and more than {@code minColours} colours. Returns the DOM.
     */
    private String assertRenders(HtmlReport.Result report, List<String> expectedSizes, int markerPixels, int minColours)
            throws Exception {
        String html = Files.readString(report.file());
        Path probe = report.file().resolveSibling("probe.html");
        Files.writeString(probe, html.replace("</body>", PROBE + "</body>"));
        String dom = chromium("--dump-dom", "--virtual-time-budget=10000", probe.toUri().toString());
        int start = dom.indexOf("<pre id=\"probe\">");
        assertTrue(start >= 0, "the probe did not run; DOM ends with: " + dom.substring(Math.max(0, dom.length() - 300)));
        String decoded = dom.substring(start + "<pre id=\"probe\">".length(), dom.indexOf("</pre>", start));
        assertEquals(String.join(",", expectedSizes), decoded, "natural sizes of every <img> in page order");

        Path shot = report.file().resolveSibling("screenshot.png");
        chromium("--screenshot=" + shot, "--window-size=1200,3400", "--hide-scrollbars",
                report.file().toUri().toString());
        BufferedImage page = ImageIO.read(shot.toFile());
        String keep = System.getProperty("univ.report.screenshot");
        if (keep != null) {
            Files.copy(shot, Path.of(keep), StandardCopyOption.REPLACE_EXISTING);
        }
        assertEquals(1200, page.getWidth());
        int marker = 0;
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < page.getHeight(); y++) {
            for (int x = 0; x < page.getWidth(); x++) {
                int rgb = page.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                marker += rgb == TestRuns.MARKER ? 1 : 0;
            }
        }
        assertTrue(marker >= markerPixels, "marker pixels on the screenshot: " + marker);
        assertTrue(colours.size() > minColours, "a blank-looking screenshot: " + colours.size() + " colours");
        return dom;
    }

    /** Runs headless Chromium with the safe flags and returns what it prints; fails on error or after 90 s. */
    private String chromium(String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(dir, "profile");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "chromium", ".out");
        Path err = Files.createTempFile(dir, "chromium", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("HOME", profile.toString()); // nothing written outside the temp folder
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("chromium did not finish in 90 s: " + tail(err));
        }
        if (p.exitValue() != 0) {
            fail("chromium exited with " + p.exitValue() + ": " + tail(err));
        }
        return Files.readString(out);
    }

    private static String tail(Path file) throws IOException {
        String s = Files.readString(file);
        return s.substring(Math.max(0, s.length() - 2000));
    }
}
