package org.univ.cli.report;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.univ.io.AtomicFiles;

/**
 * The page people look at for a run: {@code RUN_DIR/report.html}, one self-contained file (PNGs embedded as base64
 * data URIs, inline CSS, no script, nothing fetched) with whatever the run folder holds:
 * <ul>
 *   <li>a title ({@code results.json} "title", else the folder name) and a summary sentence;</li>
 *   <li>the verdicts of {@code results.json} {@code "verdicts": [{"claim", "met", "detail"}]};</li>
 *   <li>every other {@code results.json} entry as tables: maps of maps … of numbers become one table whose rows are
 *       the key paths and whose columns are the leaf keys; flat maps become key/value tables;</li>
 *   <li>{@code summary.json} (what {@code univ pretrain} writes) as a key/value table;</li>
 *   <li>loss curves regenerated from {@code metrics.jsonl} ({@code loss_curve.png}) and
 *       {@code teacher_metrics.jsonl} ({@code teacher_loss_curve.png});</li>
 *   <li>every PNG under {@code figures/} (sorted by path), captioned from {@code figures/captions.json}
 *       (file name or relative path → caption) or else from the file name;</li>
 *   <li>{@code config.yaml} as preformatted text.</li>
 * </ul>
 * A {@code univ transfer} folder ({@code transfer.json}) gets its own title, a "Teacher vs UNIV student" table (per
 * modality: teacher, student and the paired difference UNIV − teacher as mean ± sd over seeds, one column per metric,
 * headline first), the run's settings, its pictures (boxes on IR and RGB images, segmentation overlays; paths in
 * {@code transfer.json} relative to the folder) and the task's config file.
 * A missing piece is left out; a broken one (bad JSON, a file that is not a PNG) is left out and listed under
 * "Not shown" at the end. All text is HTML-escaped. The same folder gives the same page.
 */
public final class HtmlReport {
    public static final String FILE_NAME = "report.html";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESERVED = Set.of("title", "summary", "verdicts");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** What was written: the page, how many pictures and tables it holds, and what was left out and why. */
    public record Result(Path file, int images, int tables, List<String> notes) {}

    /** A PNG to embed. */
    private record Picture(String caption, byte[] png, int width, int height) {}

    /** One table row of a map of maps: the keys leading to {@code leaf}, an object of scalars. */
    private record Row(List<String> path, JsonNode leaf) {}

    private final Path runDir;
    private final StringBuilder html = new StringBuilder();
    private final List<String> notes = new ArrayList<>();
    private int images;
    private int tables;

    private HtmlReport(Path runDir) {
        this.runDir = runDir;
    }

    /** Renders the folder's report and writes it (atomically) to {@code runDir/report.html}. */
    public static Result write(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new IllegalArgumentException(runDir + " is not a folder: pass a run folder (the one holding "
                    + "results.json, metrics.jsonl, figures/, config.yaml …)");
        }
        HtmlReport report = new HtmlReport(runDir);
        report.render();
        Path file = runDir.resolve(FILE_NAME);
        AtomicFiles.write(file, report.html.toString().getBytes(UTF_8));
        return new Result(file, report.images, report.tables, List.copyOf(report.notes));
    }

    // ------------------------------------------------------------------------------------------------- page

    private void render() throws IOException {
        JsonNode results = readObject("results.json");
        JsonNode summary = readObject("summary.json");
        JsonNode transfer = readObject("transfer.json");
        List<Picture> curves = new ArrayList<>();
        addCurve(curves, "metrics.jsonl", "loss_curve.png", "UNIV pre-training loss",
                "Pre-training losses per step (exponential moving average 0.9, log scale).");
        addCurve(curves, "teacher_metrics.jsonl", "teacher_loss_curve.png", "Teacher fine-tuning loss",
                "Teacher fine-tuning loss per step (exponential moving average 0.9, log scale).");
        List<Picture> figures = figures();
        List<Picture> transferPictures = transfer == null ? List.of() : transferPictures(transfer);
        String configName = transfer != null && transfer.path("config").isTextual() ? transfer.get("config").asText()
                : "config.yaml";
        String config = readText(configName);

        String runName = String.valueOf(runDir.toAbsolutePath().normalize().getFileName());
        String title = results != null && results.path("title").isTextual() ? results.get("title").asText()
                : transfer != null ? "UNIV transfer (" + transfer.path("task").asText("?") + "): teacher vs UNIV student"
                : "UNIV run " + runName;
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n")
                .append("</head>\n<body>\n<main>\n<h1>").append(escape(title)).append("</h1>\n");
        html.append("<p class=\"summary\">").append(summarySentence(runName, results, summary, transfer,
                figures.size() + transferPictures.size())).append("</p>\n");
        if (results != null && results.path("summary").isTextual()) {
            html.append("<p>").append(escape(results.get("summary").asText())).append("</p>\n");
        }
        if (results != null && results.has("verdicts")) {
            verdicts(results.get("verdicts"));
        }
        if (results != null && hasResultTables(results)) {
            html.append("<section>\n<h2>Results</h2>\n");
            renderObject(results, 3, true);
            html.append("</section>\n");
        }
        if (transfer != null) {
            transferTables(transfer);
        }
        if (summary != null && !summary.isEmpty()) {
            html.append("<section>\n<h2>Run</h2>\n");
            renderObject(summary, 3, false);
            html.append("</section>\n");
        }
        pictures("Training", curves);
        pictures("Figures", figures);
        pictures("Pictures", transferPictures);
        if (config != null) {
            html.append("<section>\n<h2>Configuration</h2>\n<p class=\"muted\">").append(escape(configName))
                    .append("</p>\n<pre>")
                    .append(escape(config)).append("</pre>\n</section>\n");
        }
        if (!notes.isEmpty()) {
            html.append("<section class=\"notes\">\n<h2>Not shown</h2>\n<ul>\n");
            for (String n : notes) {
                html.append("<li>").append(escape(n)).append("</li>\n");
            }
            html.append("</ul>\n</section>\n");
        }
        html.append("<footer>Written by <code>univ report</code> from the run folder <code>")
                .append(escape(runName)).append("</code>.</footer>\n</main>\n</body>\n</html>\n");
    }

    /** E.g. "Run demo: 3 of 4 claims met; 200 training steps, final loss 0.412; 5 figures." */
    private String summarySentence(String runName, JsonNode results, JsonNode summary, JsonNode transfer,
                                   int figureCount) {
        List<String> parts = new ArrayList<>();
        if (transfer != null) {
            int seeds = transfer.path("seeds").size();
            parts.add(transfer.path("task").asText("?") + " on " + transfer.path("protocol").asText("?") + " backbones at "
                    + transfer.path("size").asText("?") + ", " + seeds + (seeds == 1 ? " seed" : " seeds")
                    + (transfer.path("wall_seconds").isNumber() ? ", " + format(transfer.get("wall_seconds")) + " s" : ""));
        }
        if (results != null && results.path("verdicts").isArray()) {
            long total = 0;
            long met = 0;
            for (JsonNode v : results.get("verdicts")) {
                if (v.isObject()) {
                    total++;
                    met += v.path("met").asBoolean(false) ? 1 : 0;
                }
            }
            if (total > 0) {
                parts.add(met + " of " + total + (total == 1 ? " claim" : " claims") + " met");
            }
        }
        List<String> training = new ArrayList<>();
        if (summary != null && summary.path("steps").isNumber()) {
            long steps = summary.get("steps").asLong();
            training.add(steps + (steps == 1 ? " training step" : " training steps"));
        }
        Double finalLoss = lastLoss(runDir.resolve("metrics.jsonl"));
        if (finalLoss != null) {
            training.add("final loss " + format(finalLoss));
        }
        if (!training.isEmpty()) {
            parts.add(String.join(", ", training));
        }
        if (figureCount > 0) {
            parts.add(figureCount + (figureCount == 1 ? " figure" : " figures"));
        }
        String head = "Run <strong>" + escape(runName) + "</strong>: ";
        return parts.isEmpty() ? head + "this folder holds no results, metrics or figures yet."
                : head + escape(String.join("; ", parts)) + ".";
    }

    private void verdicts(JsonNode verdicts) {
        if (!verdicts.isArray()) {
            notes.add("results.json \"verdicts\" is not a list of {claim, met, detail}");
            return;
        }
        html.append("<section>\n<h2>Verdicts</h2>\n<ul class=\"verdicts\">\n");
        int i = 0;
        for (JsonNode v : verdicts) {
            i++;
            if (!v.isObject()) {
                notes.add("results.json verdict " + i + " is not an object {claim, met, detail}");
                continue;
            }
            JsonNode met = v.path("met");
            String state = met.isBoolean() ? (met.asBoolean() ? "met" : "unmet") : "unknown";
            String badge = met.isBoolean() ? (met.asBoolean() ? "met" : "not met") : "no verdict";
            html.append("<li class=\"").append(state).append("\"><span class=\"badge\">").append(badge)
                    .append("</span><span class=\"claim\">").append(escape(text(v.path("claim"))))
                    .append("</span>");
            if (!v.path("detail").isMissingNode() && !v.path("detail").isNull()) {
                html.append("<div class=\"detail\">").append(escape(text(v.get("detail")))).append("</div>");
            }
            html.append("</li>\n");
        }
        html.append("</ul>\n</section>\n");
    }

    // --------------------------------------------------------------------------------------------- transfer

    /**
     * The teacher-vs-UNIV table of a {@code transfer.json}: rows modality × (teacher, UNIV student, UNIV − teacher),
     * columns the metrics, cells mean ± sd over seeds; then the run's settings.
     */
    private void transferTables(JsonNode transfer) {
        JsonNode results = transfer.path("results");
        List<String> metrics = new ArrayList<>();
        transfer.path("metrics").forEach(m -> metrics.add(m.asText()));
        if (!results.isObject() || metrics.isEmpty()) {
            notes.add("transfer.json: no \"results\" by modality or no \"metrics\"");
            return;
        }
        html.append("<section>\n<h2>Teacher vs UNIV student</h2>\n<p class=\"muted\">Mean ± sample sd over seeds; the")
                .append(" difference is paired seed by seed (UNIV − teacher).</p>\n")
                .append("<div class=\"scroll\"><table>\n<thead><tr><th>modality</th><th>backbone</th>");
        for (String m : metrics) {
            html.append("<th class=\"num\">").append(escape(m)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        List<String[]> rows = List.of(new String[] {"teacher", "teacher"}, new String[] {"student", "UNIV student"},
                new String[] {"difference", "UNIV − teacher"});
        for (Iterator<Map.Entry<String, JsonNode>> it = results.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> modality = it.next();
            for (int r = 0; r < rows.size(); r++) {
                html.append("<tr").append(r == 2 ? " class=\"difference\"" : "").append('>');
                if (r == 0) {
                    html.append("<th scope=\"row\" rowspan=\"3\">").append(escape(modality.getKey().toUpperCase(Locale.ROOT)))
                            .append("</th>");
                }
                html.append("<th scope=\"row\">").append(escape(rows.get(r)[1])).append("</th>");
                for (String m : metrics) {
                    JsonNode stat = modality.getValue().path(m).path(rows.get(r)[0]);
                    html.append("<td class=\"num\">").append(escape(meanSd(stat))).append("</td>");
                }
                html.append("</tr>\n");
            }
        }
        html.append("</tbody>\n</table></div>\n");
        tables++;
        List<Map.Entry<String, JsonNode>> settings = new ArrayList<>();
        for (String key : List.of("teacher", "student", "data", "train", "val", "protocol", "size", "seeds", "wall_seconds")) {
            if (transfer.has(key)) {
                settings.add(Map.entry(key, transfer.get(key)));
            }
        }
        html.append("<h3>Run</h3>\n");
        keyValueTable(settings);
        html.append("</section>\n");
    }

    /** {@code {"mean": m, "sd": s}} as "m ± s" with 4 decimals as {@code univ transfer} prints it, "–" when missing. */
    private static String meanSd(JsonNode stat) {
        if (!stat.path("mean").isNumber()) {
            return "–";
        }
        String mean = String.format(Locale.ROOT, "%.4f", stat.get("mean").asDouble());
        return stat.path("sd").isNumber() ? mean + String.format(Locale.ROOT, " ± %.4f", stat.get("sd").asDouble()) : mean;
    }

    /** The pictures a transfer names ({@code "pictures": {"teacher_ir": ["det_teacher_ir.png"], …}}), in that order. */
    private List<Picture> transferPictures(JsonNode transfer) {
        String what = switch (transfer.path("task").asText("")) {
            case "det" -> "boxes of the first seed's head (score ≥ 0.25) and the ground truth";
            case "seg" -> "ground truth (left) and the first seed's prediction (right)";
            default -> "picture";
        };
        List<Picture> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = transfer.path("pictures").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String[] who = e.getKey().split("_", 2);
            String label = (who[0].equals("student") ? "UNIV student" : who[0])
                    + (who.length > 1 ? ", " + who[1].toUpperCase(Locale.ROOT) : "");
            for (JsonNode file : e.getValue()) {
                Path png = runDir.resolve(file.asText());
                if (!Files.isRegularFile(png)) {
                    notes.add("transfer.json names the picture " + file.asText() + ", which is not in the folder");
                    continue;
                }
                Picture p = picture(png, label + ": " + what + " (" + png.getFileName() + ")");
                if (p != null) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    // ----------------------------------------------------------------------------------------------- tables

    private static boolean hasResultTables(JsonNode results) {
        for (Iterator<String> it = results.fieldNames(); it.hasNext(); ) {
            if (!RESERVED.contains(it.next())) {
                return true;
            }
        }
        return false;
    }

    /**
     * An object's scalar entries as one key/value table, then each nested entry under its own heading.
     * {@code skipReserved} leaves out title, summary and verdicts (shown elsewhere).
     */
    private void renderObject(JsonNode node, int level, boolean skipReserved) {
        List<Map.Entry<String, JsonNode>> scalars = new ArrayList<>();
        List<Map.Entry<String, JsonNode>> nested = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (skipReserved && RESERVED.contains(e.getKey())) {
                continue;
            }
            (isScalar(e.getValue()) ? scalars : nested).add(e);
        }
        if (!scalars.isEmpty()) {
            keyValueTable(scalars);
        }
        for (Map.Entry<String, JsonNode> e : nested) {
            int h = Math.min(level, 6);
            html.append("<h").append(h).append('>').append(escape(e.getKey())).append("</h").append(h).append(">\n");
            renderValue(e.getValue(), level + 1);
        }
    }

    private void renderValue(JsonNode value, int level) {
        if (value.isObject()) {
            List<Row> rows = rows(value, List.of());
            if (rows != null && !rows.get(0).path().isEmpty()) {
                matrixTable(rows);
            } else {
                renderObject(value, level, false);
            }
        } else if (value.isArray()) {
            if (allMatch(value, HtmlReport::isScalar)) {
                html.append("<p>").append(escape(scalarList(value))).append("</p>\n");
            } else if (allMatch(value, v -> v.isObject() && allMatch(v, HtmlReport::isScalar))) {
                recordTable(value);
            } else {
                html.append("<pre>").append(escape(value.toPrettyString())).append("</pre>\n");
            }
        } else {
            html.append("<p>").append(escape(format(value))).append("</p>\n");
        }
    }

    /**
     * The rows of a map of maps … whose leaves are all objects of scalars at the same depth, or null when the object
     * is not of that shape.
     */
    private static List<Row> rows(JsonNode node, List<String> path) {
        if (!node.isObject() || node.isEmpty()) {
            return null;
        }
        if (allMatch(node, HtmlReport::isScalar)) {
            return List.of(new Row(path, node));
        }
        List<Row> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> childPath = new ArrayList<>(path);
            childPath.add(e.getKey());
            List<Row> child = rows(e.getValue(), childPath);
            if (child == null || (!out.isEmpty() && child.get(0).path().size() != out.get(0).path().size())) {
                return null;
            }
            out.addAll(child);
        }
        return out;
    }

    /** Rows = key paths (repeated leading keys merged with rowspan), columns = the union of the leaf keys. */
    private void matrixTable(List<Row> rows) {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> r.leaf().fieldNames().forEachRemaining(columns::add));
        int depth = rows.get(0).path().size();
        html.append("<div class=\"scroll\"><table>\n<thead><tr>");
        for (int l = 0; l < depth; l++) {
            html.append("<th></th>");
        }
        for (String c : columns) {
            html.append("<th class=\"num\">").append(escape(c)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < rows.size(); i++) {
            html.append("<tr>");
            for (int l = 0; l < depth; l++) {
                if (i > 0 && samePrefix(rows.get(i - 1), rows.get(i), l)) {
                    continue; // covered by the rowspan above
                }
                int span = 1;
                while (i + span < rows.size() && samePrefix(rows.get(i), rows.get(i + span), l)) {
                    span++;
                }
                html.append("<th scope=\"row\"").append(span > 1 ? " rowspan=\"" + span + "\"" : "").append('>')
                        .append(escape(rows.get(i).path().get(l))).append("</th>");
            }
            for (String c : columns) {
                cell(rows.get(i).leaf().get(c));
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table></div>\n");
        tables++;
    }

    private static boolean samePrefix(Row a, Row b, int level) {
        return a.path().subList(0, level + 1).equals(b.path().subList(0, level + 1));
    }

    private void keyValueTable(List<Map.Entry<String, JsonNode>> entries) {
        html.append("<div class=\"scroll\"><table class=\"kv\">\n<tbody>\n");
        for (Map.Entry<String, JsonNode> e : entries) {
            html.append("<tr><th scope=\"row\">").append(escape(e.getKey())).append("</th>");
            cell(e.getValue());
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table></div>\n");
        tables++;
    }

    /** A list of flat objects: one row each, columns = the union of their keys. */
    private void recordTable(JsonNode array) {
        Set<String> columns = new LinkedHashSet<>();
        array.forEach(o -> o.fieldNames().forEachRemaining(columns::add));
        html.append("<div class=\"scroll\"><table>\n<thead><tr>");
        for (String c : columns) {
            html.append("<th>").append(escape(c)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (JsonNode o : array) {
            html.append("<tr>");
            columns.forEach(c -> cell(o.get(c)));
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table></div>\n");
        tables++;
    }

    private void cell(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            html.append("<td class=\"missing\">–</td>");
        } else if (value.isArray()) {
            html.append("<td>").append(escape(scalarList(value))).append("</td>");
        } else {
            html.append(value.isNumber() ? "<td class=\"num\">" : "<td>").append(escape(format(value))).append("</td>");
        }
    }

    private static boolean isScalar(JsonNode v) {
        return v.isValueNode() || (v.isArray() && allMatch(v, JsonNode::isValueNode));
    }

    private static boolean allMatch(JsonNode container, java.util.function.Predicate<JsonNode> test) {
        for (JsonNode v : container) {
            if (!test.test(v)) {
                return false;
            }
        }
        return true;
    }

    private static String scalarList(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(v -> items.add(format(v)));
        return "[" + String.join(", ", items) + "]";
    }

    private static String text(JsonNode v) {
        return v.isMissingNode() || v.isNull() ? "" : v.isTextual() ? v.asText() : format(v);
    }

    /** A JSON scalar for people: integers as they are, other numbers to 4 significant digits. */
    static String format(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "–";
        }
        if (v.isArray()) {
            return scalarList(v);
        }
        if (v.isIntegralNumber()) {
            return v.asText();
        }
        if (v.isNumber()) {
            return format(v.asDouble());
        }
        return v.asText();
    }

    /**
     * 4 significant digits in plain notation (0.4321, 12.35); one decimal from 1000 on (3456.7); scientific below
     * 0.001 and from 10⁶ on (1.23e-05).
     */
    static String format(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "∞" : "−∞";
        }
        if (d == 0) {
            return "0";
        }
        double a = Math.abs(d);
        if (a < 1e-3 || a >= 1e6) {
            return String.format(Locale.ROOT, "%.2e", d);
        }
        BigDecimal b = new BigDecimal(d);
        b = a >= 1000 ? b.setScale(1, java.math.RoundingMode.HALF_EVEN) : b.round(new MathContext(4));
        String s = b.stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    // ---------------------------------------------------------------------------------------------- pictures

    private void addCurve(List<Picture> curves, String metricsName, String pngName, String title, String caption) {
        Path metrics = runDir.resolve(metricsName);
        Path png = runDir.resolve(pngName);
        if (Files.isRegularFile(metrics)) {
            try {
                Charts.lossCurves(metrics, png, title);
            } catch (IOException | RuntimeException e) {
                notes.add(pngName + ": cannot draw the curves from " + metricsName + ": " + e.getMessage());
                return;
            }
        }
        if (Files.isRegularFile(png)) {
            Picture p = picture(png, caption);
            if (p != null) {
                curves.add(p);
            }
        }
    }

    private List<Picture> figures() throws IOException {
        Path dir = runDir.resolve("figures");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        JsonNode captions = null;
        if (Files.isRegularFile(dir.resolve("captions.json"))) {
            captions = readObject("figures/captions.json");
        }
        List<Path> pngs;
        try (Stream<Path> walk = Files.walk(dir)) {
            pngs = walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
                    .sorted((a, b) -> relative(dir, a).compareTo(relative(dir, b)))
                    .collect(Collectors.toList());
        }
        List<Picture> out = new ArrayList<>();
        for (Path png : pngs) {
            String rel = relative(dir, png);
            String name = png.getFileName().toString();
            String caption = null;
            if (captions != null) {
                JsonNode c = captions.has(rel) ? captions.get(rel) : captions.get(name);
                caption = c != null && c.isTextual() ? c.asText() : null;
            }
            if (caption == null) {
                caption = name.substring(0, name.length() - 4).replace('_', ' ').replace('-', ' ').trim();
            }
            Picture p = picture(png, caption);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    private static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace('\\', '/');
    }

    /** The file as an embeddable picture, or null (with a note) when it is not a readable PNG. */
    private Picture picture(Path png, String caption) {
        String name = relative(runDir, png);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(png);
        } catch (IOException e) {
            notes.add(name + ": cannot read: " + e.getMessage());
            return null;
        }
        // Signature, then the IHDR chunk: length, "IHDR", width, height (big-endian).
        if (bytes.length < 24 || !java.util.Arrays.equals(bytes, 0, 8, PNG_SIGNATURE, 0, 8)
                || bytes[12] != 'I' || bytes[13] != 'H' || bytes[14] != 'D' || bytes[15] != 'R') {
            notes.add(name + ": not a PNG file");
            return null;
        }
        return new Picture(caption, bytes, bigEndian(bytes, 16), bigEndian(bytes, 20));
    }

    private static int bigEndian(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private void pictures(String heading, List<Picture> pictures) {
        if (pictures.isEmpty()) {
            return;
        }
        html.append("<section>\n<h2>").append(escape(heading)).append("</h2>\n");
        for (Picture p : pictures) {
            html.append("<figure><img src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(p.png()))
                    .append("\" alt=\"").append(escape(p.caption())).append("\" width=\"").append(p.width())
                    .append("\" height=\"").append(p.height()).append("\"><figcaption>").append(escape(p.caption()))
                    .append("</figcaption></figure>\n");
            images++;
        }
        html.append("</section>\n");
    }

    // ------------------------------------------------------------------------------------------------- files

    /** A JSON object file of the run folder, or null when absent (silently) or broken (with a note). */
    private JsonNode readObject(String name) {
        Path file = runDir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                notes.add(name + ": not a JSON object");
                return null;
            }
            return n;
        } catch (JsonProcessingException e) {
            notes.add(name + ": not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            notes.add(name + ": cannot read: " + e.getMessage());
        }
        return null;
    }

    private String readText(String name) {
        Path file = runDir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file, UTF_8);
        } catch (IOException e) { // includes malformed UTF-8
            notes.add(name + ": cannot read as UTF-8 text: " + e.getMessage());
            return null;
        }
    }

    /** The {@code loss} of the last line of a metrics file, or null. */
    private static Double lastLoss(Path metrics) {
        if (!Files.isRegularFile(metrics)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(metrics);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    JsonNode loss = JSON.readTree(lines.get(i)).path("loss");
                    return loss.isNumber() ? loss.asDouble() : null;
                }
            }
        } catch (IOException e) {
            return null; // the curve's note says why
        }
        return null;
    }

    /** Text for HTML element content and attribute values. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            :root { color-scheme: light; }
            body { margin: 0; background: #f3f4f6; color: #1f2328;
                   font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
            main { max-width: 1080px; margin: 0 auto; padding: 32px 40px 40px; background: #fff; min-height: 100vh;
                   box-sizing: border-box; box-shadow: 0 0 0 1px #e5e7eb; }
            h1 { font-size: 1.75em; margin: 0 0 .3em; }
            h2 { font-size: 1.3em; margin: 1.8em 0 .6em; padding-bottom: .3em; border-bottom: 1px solid #e5e7eb; }
            h3 { font-size: 1.08em; margin: 1.4em 0 .5em; }
            h4, h5, h6 { font-size: .95em; margin: 1em 0 .4em; color: #57606a; }
            p.summary { font-size: 1.05em; color: #424a53; }
            .muted, footer { color: #6e7781; font-size: 13px; }
            footer { margin-top: 3em; border-top: 1px solid #e5e7eb; padding-top: .8em; }
            .scroll { overflow-x: auto; }
            table { border-collapse: collapse; margin: .4em 0 1.2em; font-size: 14px; }
            th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: top; }
            thead th { background: #f6f8fa; font-weight: 600; }
            tbody th { font-weight: 600; background: #fbfbfc; }
            .num { text-align: right; font-variant-numeric: tabular-nums; }
            td.missing { color: #8c959f; text-align: center; }
            tr.difference th, tr.difference td { background: #f6f8fa; font-weight: 600; }
            ul.verdicts { list-style: none; padding: 0; margin: 0; }
            ul.verdicts li { display: grid; grid-template-columns: 6.5em 1fr; column-gap: .8em; align-items: baseline;
                             padding: .5em .2em; border-bottom: 1px solid #eaeef2; }
            .badge { text-align: center; border-radius: 4px; padding: 1px 6px; font-size: 12px; font-weight: 600; }
            li.met .badge { background: #dafbe1; color: #116329; }
            li.unmet .badge { background: #ffebe9; color: #a40e26; }
            li.unknown .badge { background: #eaeef2; color: #57606a; }
            .claim { font-weight: 600; }
            .detail { grid-column: 2; color: #57606a; font-size: 14px; margin-top: .15em; }
            figure { margin: 1em 0 2em; }
            figure img { display: block; max-width: 100%; height: auto; border: 1px solid #e5e7eb; }
            figcaption { color: #57606a; font-size: 14px; margin-top: .4em; }
            pre { background: #f6f8fa; border: 1px solid #e5e7eb; border-radius: 4px; padding: 12px; overflow: auto;
                  font-size: 13px; line-height: 1.45; }
            code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; }
            section.notes li { color: #6e7781; }
            """;
}
