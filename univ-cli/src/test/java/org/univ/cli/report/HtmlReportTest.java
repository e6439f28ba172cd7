package org.univ.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    private static final Pattern IMG = Pattern.compile("<img src=\"([^\"]*)\" alt=\"([^\"]*)\"");

    @TempDir
    Path dir;

    @Test
    void fullRunFolderBecomesOneSelfContainedEscapedPage() throws Exception {
        Path run = TestRuns.demo(dir.resolve("run-7"));
        HtmlReport.Result result = HtmlReport.write(run);

        assertEquals(run.resolve("report.html"), result.file());
        assertEquals(4, result.images(), "two loss curves and two figures");
        assertEquals(List.of("figures/broken.png: not a PNG file"), result.notes());
        assertTrue(Files.isRegularFile(run.resolve("loss_curve.png")));
        assertTrue(Files.isRegularFile(run.resolve("teacher_loss_curve.png")));
        String html = Files.readString(result.file());

        // Self-contained, no script, everything escaped.
        assertFalse(html.toLowerCase().contains("<script"), "no script at all");
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing fetched");
        assertFalse(html.contains("<link") || html.contains("@import") || html.contains("url("));
        assertTrue(html.contains("<title>Demo &lt;run&gt; &amp; co</title>"));
        assertTrue(html.contains("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), "config escaped");
        assertTrue(html.contains("&lt;b&gt;not bold&lt;/b&gt;"));
        assertTrue(html.contains("Run <strong>run-7</strong>: 1 of 3 claims met; 40 training steps, final loss "));
        assertTrue(html.contains("Not shown") && html.contains("figures/broken.png: not a PNG file"));

        // Every picture is a data URI that decodes to the file's bytes, in page order.
        List<String> alts = new ArrayList<>();
        List<byte[]> embedded = new ArrayList<>();
        Matcher m = IMG.matcher(html);
        while (m.find()) {
            assertTrue(m.group(1).startsWith("data:image/png;base64,"), m.group(1).substring(0, 30));
            embedded.add(Base64.getDecoder().decode(m.group(1).substring("data:image/png;base64,".length())));
            alts.add(m.group(2));
        }
        assertEquals(4, embedded.size());
        assertEquals("Figure 1 &lt;style&gt; pair 01", alts.get(2), "caption from captions.json");
        assertEquals("overlay val", alts.get(3), "caption from the file name");
        assertArrayEquals(Files.readAllBytes(run.resolve("loss_curve.png")), embedded.get(0));
        assertArrayEquals(Files.readAllBytes(run.resolve("teacher_loss_curve.png")), embedded.get(1));
        assertArrayEquals(Files.readAllBytes(run.resolve("figures/attention_pair_01.png")), embedded.get(2));
        assertArrayEquals(Files.readAllBytes(run.resolve("figures/seg/overlay-val.png")), embedded.get(3));
        assertTrue(html.contains("width=\"160\" height=\"90\""), "sizes from the PNG header");

        // Verdicts with their state.
        assertTrue(html.contains("<li class=\"met\"><span class=\"badge\">met</span><span class=\"claim\">"
                + "student-on-IR beats teacher-on-IR on positives-mAP</span><div class=\"detail\">0.41 vs 0.22</div>"));
        assertTrue(html.contains("<li class=\"unmet\"><span class=\"badge\">not met</span>"));
        assertTrue(html.contains("<li class=\"unknown\"><span class=\"badge\">no verdict</span>"
                + "<span class=\"claim\">detection not run yet</span></li>"));

        // Tables: scalars, a map of maps (union of columns, missing cell), a three-level map with rowspans.
        assertTrue(html.contains("<tr><th scope=\"row\">pairs</th><td class=\"num\">79</td></tr>"));
        assertTrue(html.contains("<tr><th scope=\"row\">lr</th><td class=\"num\">1.00e-04</td></tr>"));
        assertTrue(html.contains("<tr><th scope=\"row\">classes</th><td>[person, car]</td></tr>"));
        assertTrue(html.contains("<h3>alignment</h3>\n<div class=\"scroll\"><table>\n<thead><tr><th></th>"
                + "<th class=\"num\">pccl</th><th class=\"num\">positives_map</th><th class=\"num\">top1</th>"
                + "<th class=\"num\">tiny</th></tr></thead>"));
        assertTrue(html.contains("<tr><th scope=\"row\">teacher-on-IR</th><td class=\"num\">0.6931</td>"
                + "<td class=\"num\">0.2231</td><td class=\"num\">0.05</td><td class=\"missing\">–</td></tr>"));
        assertTrue(html.contains("<td class=\"num\">1.50e-07</td>"));
        assertTrue(html.contains("<tr><th scope=\"row\" rowspan=\"2\">teacher</th><th scope=\"row\">rgb</th>"
                + "<td class=\"num\">41.23</td><td class=\"num\">88.1</td></tr>\n"
                + "<tr><th scope=\"row\">ir</th><td class=\"num\">30.5</td><td class=\"num\">80</td></tr>"));
        assertTrue(html.contains("<h3>mixed</h3>"), "mixed scalars and maps: key/value table then subsections");
        assertTrue(html.contains("<h4>inner</h4>"));
        assertTrue(html.contains("<th scope=\"row\">wall_seconds</th><td class=\"num\">12.5</td>"), "summary.json");

        // The same folder gives the same page.
        byte[] first = Files.readAllBytes(result.file());
        HtmlReport.write(run);
        assertArrayEquals(first, Files.readAllBytes(result.file()));
    }

    @Test
    void emptyAndBrokenFoldersStillGiveAPage() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        HtmlReport.Result r = HtmlReport.write(empty);
        String html = Files.readString(r.file());
        assertTrue(html.contains("this folder holds no results, metrics or figures yet."));
        assertEquals(0, r.images());
        assertFalse(html.contains("<section"));

        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(broken.resolve("results.json"), "{\"alignment\": {");
        Files.writeString(broken.resolve("metrics.jsonl"), "{\"step\":1,\"loss\":0.5}\nnot json\n");
        Files.writeString(broken.resolve("teacher_metrics.jsonl"), "\n");
        r = HtmlReport.write(broken);
        assertEquals(3, r.notes().size(), r.notes().toString());
        assertTrue(r.notes().get(0).startsWith("results.json: not valid JSON"), r.notes().get(0));
        assertTrue(r.notes().get(1).contains("metrics.jsonl line 2 is not JSON"), r.notes().get(1));
        assertTrue(r.notes().get(2).contains("has no metrics yet"), r.notes().get(2));
        assertEquals(0, r.images());

        Path verdictsNotAList = Files.createDirectories(dir.resolve("odd"));
        Files.writeString(verdictsNotAList.resolve("results.json"), "{\"verdicts\": \"all good\", \"x\": [1, {\"a\": [2]}]}");
        r = HtmlReport.write(verdictsNotAList);
        assertEquals(List.of("results.json \"verdicts\" is not a list of {claim, met, detail}"), r.notes());
        assertTrue(Files.readString(r.file()).contains("<pre>[ 1, {\n  &quot;a&quot; : [ 2 ]\n} ]</pre>"),
                "an irregular list is shown as JSON");

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> HtmlReport.write(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("is not a folder"));
    }

    @Test
    void aTransferFolderGetsTheTeacherVsStudentTableAndItsPictures() throws Exception {
        Path run = TestRuns.transfer(dir.resolve("transfer"));
        HtmlReport.Result r = HtmlReport.write(run);
        assertEquals(List.of(), r.notes());
        assertEquals(4, r.images(), "boxes of teacher and student on IR and RGB");
        String html = Files.readString(r.file());
        assertTrue(html.contains("<h1>UNIV transfer (det): teacher vs UNIV student</h1>"), html);
        assertTrue(html.contains("det on freeze backbones at 448x336, 2 seeds, 12.5 s; 4 figures."), html);
        // teacher IR AP50 0.10, 0.12; student 0.12, 0.14: 0.11 ± √0.0002, 0.13 ± the same, paired difference 0.02
        assertTrue(html.contains("<tr><th scope=\"row\" rowspan=\"3\">IR</th><th scope=\"row\">teacher</th>"
                + "<td class=\"num\">0.1100 ± 0.0141</td><td class=\"num\">0.0383 ± 0.0071</td></tr>"), html);
        assertTrue(html.contains("<th scope=\"row\">UNIV student</th><td class=\"num\">0.1300 ± 0.0141</td>"), html);
        assertTrue(html.contains("<tr class=\"difference\"><th scope=\"row\">UNIV − teacher</th><td class=\"num\">0.0200 ± 0.0000"),
                html);
        assertTrue(html.contains("rowspan=\"3\">RGB</th>"), html);
        assertTrue(html.contains("<figcaption>UNIV student, RGB: boxes of the first seed&#39;s head"), html);
        assertTrue(html.contains("<p class=\"muted\">det_config.yaml</p>\n<pre>iterations: 400"), html);

        Files.delete(run.resolve("det_student_rgb.png"));
        r = HtmlReport.write(run);
        assertEquals(3, r.images());
        assertEquals(List.of("transfer.json names the picture det_student_rgb.png, which is not in the folder"), r.notes());
    }

    @Test
    void numbersAreFormattedForPeople() {
        assertEquals("0.4321", HtmlReport.format(0.43214));
        assertEquals("12.35", HtmlReport.format(12.3456));
        assertEquals("1", HtmlReport.format(1.0));
        assertEquals("-0.5", HtmlReport.format(-0.5));
        assertEquals("0", HtmlReport.format(0.0));
        assertEquals("3456.8", HtmlReport.format(3456.78));
        assertEquals("1.00e-05", HtmlReport.format(1e-5));
        assertEquals("2.50e+07", HtmlReport.format(2.5e7));
        assertEquals("NaN", HtmlReport.format(Double.NaN));
        assertEquals("∞", HtmlReport.format(Double.POSITIVE_INFINITY));
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;", HtmlReport.escape("a <b> & \"c\" 'd'"));
    }
}
