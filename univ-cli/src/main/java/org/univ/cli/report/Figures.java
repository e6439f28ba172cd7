package org.univ.cli.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.univ.data.Images;
import org.univ.downstream.ClassColours;
import org.univ.loss.Pccl;
import org.univ.model.Backbone;
import org.univ.model.BackboneOutput;
import org.univ.model.PositionEmbedding;

/**
 * PNG figures for reports, drawn with Java2D (headless): the UNIV paper's Figure-1 panels (attention and
 * cross-modal similarity from one patch), segmentation overlays and detection boxes.
 *
 * <p>Panels stand side by side at one display height (small images enlarged to {@value #MIN_PANEL_HEIGHT} px,
 * large ones reduced to {@value #MAX_PANEL_HEIGHT} px), each with a title and a detail line under it, an optional
 * colour legend below. The same inputs give the same bytes. Model code is inference only and keeps its
 * temporaries in an {@link NDScope}.
 */
public final class Figures {
    /** Label value of unlabelled pixels (mmseg); drawn black. */
    public static final int IGNORE = 255;

    static final int MARGIN = 12;
    static final int CAPTION_HEIGHT = 40;
    static final int MIN_PANEL_HEIGHT = 256;
    static final int MAX_PANEL_HEIGHT = 480;
    static final int LEGEND_ROW = 22;
    /** Opacity of heat maps and label colours over the image. */
    static final double OVERLAY_ALPHA = 0.55;
    /** Outline of the chosen patch: cyan does not occur in inferno, so it stands out on every heat value. */
    static final Color OUTLINE = new Color(0, 229, 255);

    private static final Color INK = new Color(0x1f, 0x23, 0x28);
    private static final Color MUTED = new Color(0x57, 0x60, 0x6a);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    private static final Font DETAIL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 12);

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Figures() {}

    /**
     * The three heat maps of {@link #attentionFigure}, each over the {@code gridH × gridW} patches (row-major).
     *
     * @param teacherAttention    the teacher's last-block attention (head mean) from the chosen RGB patch to every
     *                            patch, prefix (CLS) keys dropped and renormalised to sum 1
     * @param studentSimilarity   cosine of the student's IR token at the chosen patch with the teacher's RGB tokens
     * @param teacherIrSimilarity cosine of the teacher's IR token at the chosen patch with the teacher's RGB tokens
     */
    public record AttentionMaps(int gridH, int gridW, int patchRow, int patchCol, float[] teacherAttention,
                                float[] studentSimilarity, float[] teacherIrSimilarity) {
    }

    /** Class names and their colours ({@code 0xRRGGBB}) for label maps and boxes. */
    public record Palette(List<String> names, int[] colours) {
        public Palette {
            names = List.copyOf(names);
            if (names.isEmpty() || names.size() != colours.length) {
                throw new IllegalArgumentException("a palette needs one colour per class name, got " + names.size()
                        + " names and " + colours.length + " colours");
            }
            colours = colours.clone();
        }

        /** The shared class colours ({@link ClassColours}) for the given class names. */
        public static Palette generated(List<String> names) {
            return new Palette(names, java.util.stream.IntStream.range(0, names.size()).map(ClassColours::rgb).toArray());
        }

        @Override
        public int[] colours() {
            return colours.clone();
        }

        public int size() {
            return names.size();
        }

        public int colour(int classId) {
            return colours[classId];
        }
    }

    /**
     * A detection in image pixels. {@code score} NaN draws no score (e.g. ground-truth boxes).
     */
    public record Box(double left, double top, double right, double bottom, int classId, double score) {
        public Box {
            if (!(Double.isFinite(left) && Double.isFinite(top) && Double.isFinite(right) && Double.isFinite(bottom))
                    || right < left || bottom < top) {
                throw new IllegalArgumentException("box corners must be finite with left <= right and top <= bottom, got ("
                        + left + ", " + top + ", " + right + ", " + bottom + ")");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ attention

    /**
     * Computes the three maps of Figure 1 for one pair (see {@link AttentionMaps}).
     *
     * @param rgb      normalised RGB input {@code [1, 3, H, W]}
     * @param ir       normalised IR input of the same shape (pixel-aligned with the RGB one)
     * @param patchRow token row of the chosen patch, in {@code [0, gridH)}
     * @param patchCol token column, in {@code [0, gridW)}
     */
    public static AttentionMaps attentionMaps(Backbone teacher, Backbone student, NDArray rgb, NDArray ir,
                                              int patchRow, int patchCol) {
        Shape s = rgb.getShape();
        if (s.dimension() != 4 || s.get(0) != 1 || s.get(1) != 3 || !s.equals(ir.getShape())) {
            throw new IllegalArgumentException("expected one aligned pair: rgb and ir inputs both [1, 3, H, W], got "
                    + s + " and " + ir.getShape());
        }
        try (NDScope temporaries = new NDScope()) {
            BackboneOutput teacherRgb = teacher.forward(rgb);
            BackboneOutput teacherIr = teacher.forward(ir);
            BackboneOutput studentIr = student.forward(ir);
            int gh = teacherRgb.gridH();
            int gw = teacherRgb.gridW();
            if (studentIr.gridH() != gh || studentIr.gridW() != gw
                    || studentIr.patchTokens().getShape().get(2) != teacherRgb.patchTokens().getShape().get(2)) {
                throw new IllegalArgumentException("student tokens " + studentIr.patchTokens().getShape() + " on a "
                        + studentIr.gridH() + "x" + studentIr.gridW() + " grid do not match the teacher's "
                        + teacherRgb.patchTokens().getShape() + " on " + gh + "x" + gw
                        + ": compare a student with the teacher it was trained from");
            }
            if (patchRow < 0 || patchRow >= gh || patchCol < 0 || patchCol >= gw) {
                throw new IllegalArgumentException("patch (" + patchRow + ", " + patchCol + ") is outside the " + gh
                        + "x" + gw + " token grid of a " + s.get(2) + "x" + s.get(3) + " input");
            }
            int query = patchRow * gw + patchCol;
            int prefix = teacherRgb.prefixTokens();
            NDArray headMean = teacherRgb.lastAttention().get(0).toType(DataType.FLOAT32, false)
                    .mean(new int[] {0});                                         // [P+N, P+N]
            float[] attention = headMean.get(prefix + query).get(prefix + ":").toFloatArray(); // [N] patch keys
            double mass = 0;
            for (float a : attention) {
                mass += a;
            }
            for (int i = 0; i < attention.length; i++) {
                attention[i] = mass > 0 ? (float) (attention[i] / mass) : 0f;
            }
            NDArray unitAnchors = Pccl.normalize(float32(teacherRgb.patchTokens().get(0))); // [N, D]
            return new AttentionMaps(gh, gw, patchRow, patchCol, attention,
                    similarity(studentIr.patchTokens(), query, unitAnchors),
                    similarity(teacherIr.patchTokens(), query, unitAnchors));
        }
    }

    /**
     * Figure 1 of the UNIV paper for one pair: (a) the teacher's last-block attention from the chosen patch on the
     * RGB image; (b) cosine similarity of the student's IR token at that patch with the teacher's RGB tokens, on the
     * IR image; (c) the same with the teacher's own IR token. Maps are bilinearly upsampled to the image, coloured
     * with inferno and alpha-blended; (b) and (c) share one colour range so they compare directly.
     *
     * @param rgbImage the RGB image the input was made from (whole image, any size), for display
     * @param irImage  the IR image for display (e.g. {@link Images#toDisplay} of the scaled IR planes)
     * @return the maps drawn
     */
    public static AttentionMaps attentionFigure(Backbone teacher, Backbone student, NDArray rgb, NDArray ir,
                                                BufferedImage rgbImage, BufferedImage irImage, int patchRow,
                                                int patchCol, Path png) throws IOException {
        AttentionMaps maps = attentionMaps(teacher, student, rgb, ir, patchRow, patchCol);
        NDManager manager = rgb.getManager();
        int gh = maps.gridH();
        int gw = maps.gridW();
        float[] attentionRange = range(maps.teacherAttention());
        float[] cosineRange = range(maps.studentSimilarity(), maps.teacherIrSimilarity());
        String patch = "patch (" + patchRow + ", " + patchCol + ")";
        String cosine = String.format(Locale.ROOT, "cosine, colours %.2f to %.2f", cosineRange[0], cosineRange[1]);
        List<Panel> panels = List.of(
                heatPanel(rgbImage, maps.teacherAttention(), attentionRange, gh, gw, manager, patchRow, patchCol,
                        "(a) teacher attention on RGB", "last block, head mean, from " + patch),
                heatPanel(irImage, maps.studentSimilarity(), cosineRange, gh, gw, manager, patchRow, patchCol,
                        "(b) student IR token vs teacher RGB", cosine),
                heatPanel(irImage, maps.teacherIrSimilarity(), cosineRange, gh, gw, manager, patchRow, patchCol,
                        "(c) teacher IR token vs teacher RGB", cosine));
        Images.writePng(compose(panels, List.of()), png);
        return maps;
    }

    private static NDArray float32(NDArray x) {
        return x.toType(DataType.FLOAT32, false);
    }

    /** Cosine of token {@code query} of {@code tokens [1, N, D]} with every unit anchor {@code [N, D]} → N values. */
    private static float[] similarity(NDArray tokens, int query, NDArray unitAnchors) {
        NDArray unitQuery = Pccl.normalize(float32(tokens.get(0).get(query)));  // [D]
        return unitAnchors.matMul(unitQuery.expandDims(1)).toFloatArray();      // [N, 1]
    }

    private static Panel heatPanel(BufferedImage image, float[] grid, float[] range, int gh, int gw,
                                   NDManager manager, int patchRow, int patchCol, String title, String detail) {
        BufferedImage base = rgbCopy(image);
        int h = base.getHeight();
        int w = base.getWidth();
        float[] heat = upsample(grid, gh, gw, h, w, manager);
        double span = range[1] - range[0];
        int[] pixels = base.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < pixels.length; i++) {
            double t = span > 0 ? (heat[i] - range[0]) / span : 0;
            pixels[i] = Images.blend(pixels[i], ColorMaps.inferno(t), OVERLAY_ALPHA);
        }
        base.setRGB(0, 0, w, h, pixels, 0, w);
        Rectangle2D cell = new Rectangle2D.Double((double) patchCol * w / gw, (double) patchRow * h / gh,
                (double) w / gw, (double) h / gh);
        return new Panel(base, title, detail, (g, scale) -> outline(g, cell, scale));
    }

    /** Bilinear ({@code align_corners=False}) upsampling of a {@code gh × gw} map to {@code h × w}. */
    static float[] upsample(float[] grid, int gh, int gw, int h, int w, NDManager manager) {
        try (NDScope temporaries = new NDScope()) {
            NDArray map = manager.create(grid, new Shape(gh, gw));
            return PositionEmbedding.resizeBilinear(map, h, w).toFloatArray();
        }
    }

    private static void outline(Graphics2D g, Rectangle2D cell, double scale) {
        Rectangle2D r = new Rectangle2D.Double(cell.getX() * scale, cell.getY() * scale,
                cell.getWidth() * scale, cell.getHeight() * scale);
        g.setStroke(new BasicStroke(4f));
        g.setColor(Color.BLACK);
        g.draw(r);
        g.setStroke(new BasicStroke(2f));
        g.setColor(OUTLINE);
        g.draw(r);
    }

    /** {min, max} over all values (finite ones). */
    private static float[] range(float[]... maps) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float[] m : maps) {
            for (float v : m) {
                if (Float.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return lo <= hi ? new float[] {lo, hi} : new float[] {0f, 0f};
    }

    // ---------------------------------------------------------------------------------------------- segmentation

    /**
     * The image, the predicted classes over it and (when given) the ground truth over it, side by side, with a
     * legend of the classes that occur. {@value #IGNORE} (unlabelled) pixels are black.
     *
     * @param predicted class per pixel, row-major, {@code image height × width} values
     * @param truth     ground truth of the same size, or null
     */
    public static void segmentationOverlay(BufferedImage image, int[] predicted, int[] truth, Palette palette,
                                           Path png) throws IOException {
        BufferedImage base = rgbCopy(image);
        checkLabels(predicted, base, palette, "predicted");
        if (truth != null) {
            checkLabels(truth, base, palette, "ground-truth");
        }
        List<Panel> panels = new ArrayList<>();
        panels.add(new Panel(base, "image", base.getWidth() + " x " + base.getHeight() + " px", null));
        String accuracy = "";
        if (truth != null) {
            long labelled = 0;
            long correct = 0;
            for (int i = 0; i < truth.length; i++) {
                if (truth[i] != IGNORE) {
                    labelled++;
                    correct += predicted[i] == truth[i] ? 1 : 0;
                }
            }
            accuracy = labelled == 0 ? "no labelled pixels"
                    : String.format(Locale.ROOT, "pixel accuracy %.1f %%", 100.0 * correct / labelled);
        }
        panels.add(new Panel(labelOverlay(base, predicted, palette), "prediction", accuracy, null));
        if (truth != null) {
            panels.add(new Panel(labelOverlay(base, truth, palette), "ground truth", "", null));
        }
        TreeSet<Integer> present = new TreeSet<>();
        for (int v : predicted) {
            present.add(v);
        }
        if (truth != null) {
            for (int v : truth) {
                present.add(v);
            }
        }
        List<LegendEntry> legend = new ArrayList<>();
        for (int c : present) {
            legend.add(c == IGNORE ? new LegendEntry(0x000000, "ignore (" + IGNORE + ")")
                    : new LegendEntry(palette.colour(c), palette.names().get(c)));
        }
        Images.writePng(compose(panels, legend), png);
    }

    private static void checkLabels(int[] labels, BufferedImage image, Palette palette, String what) {
        int w = image.getWidth();
        if (labels.length != w * image.getHeight()) {
            throw new IllegalArgumentException(what + " labels hold " + labels.length + " values but the image is "
                    + w + "x" + image.getHeight() + " = " + (w * image.getHeight()) + " pixels (one label per pixel, row-major)");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != IGNORE && (labels[i] < 0 || labels[i] >= palette.size())) {
                throw new IllegalArgumentException(what + " class " + labels[i] + " at pixel (x " + (i % w) + ", y "
                        + (i / w) + ") is outside the palette's " + palette.size() + " classes (0.."
                        + (palette.size() - 1) + ") and is not the ignore value " + IGNORE);
            }
        }
    }

    private static BufferedImage labelOverlay(BufferedImage base, int[] labels, Palette palette) {
        int w = base.getWidth();
        int h = base.getHeight();
        int[] pixels = base.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = labels[i] == IGNORE ? 0xFF000000 : Images.blend(pixels[i], palette.colour(labels[i]), OVERLAY_ALPHA);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, pixels, 0, w);
        return out;
    }

    // ------------------------------------------------------------------------------------------------ detection

    /** The image with each box outlined in its class colour and labelled "class score". */
    public static void boxes(BufferedImage image, List<Box> boxes, Palette palette, Path png) throws IOException {
        for (Box b : boxes) {
            if (b.classId() < 0 || b.classId() >= palette.size()) {
                throw new IllegalArgumentException("box class " + b.classId() + " is outside the palette's "
                        + palette.size() + " classes (0.." + (palette.size() - 1) + ")");
            }
        }
        BufferedImage base = rgbCopy(image);
        String detail = boxes.size() + (boxes.size() == 1 ? " box" : " boxes");
        Panel panel = new Panel(base, "detections", detail, (g, scale) -> {
            for (Box b : boxes) {
                drawBox(g, b, palette, scale);
            }
        });
        Images.writePng(compose(List.of(panel), List.of()), png);
    }

    private static void drawBox(Graphics2D g, Box b, Palette palette, double scale) {
        Color colour = new Color(palette.colour(b.classId()));
        Rectangle2D r = new Rectangle2D.Double(b.left() * scale, b.top() * scale,
                (b.right() - b.left()) * scale, (b.bottom() - b.top()) * scale);
        g.setStroke(new BasicStroke(2f));
        g.setColor(colour);
        g.draw(r);
        String label = palette.names().get(b.classId())
                + (Double.isNaN(b.score()) ? "" : String.format(Locale.ROOT, " %.2f", b.score()));
        g.setFont(LABEL_FONT);
        FontMetrics fm = g.getFontMetrics();
        int tagH = fm.getHeight();
        int tagW = fm.stringWidth(label) + 6;
        int x = (int) Math.round(r.getX()) - 1;
        int y = (int) Math.round(r.getY()) - tagH;
        if (y < 0) {
            y = (int) Math.round(r.getY()); // no room above: inside the box
        }
        g.fillRect(x, y, tagW, tagH);
        g.setColor(luminance(colour.getRGB()) > 0.55 ? Color.BLACK : Color.WHITE);
        g.drawString(label, x + 3, y + fm.getAscent());
    }

    // --------------------------------------------------------------------------------------------------- layout

    /** What to draw over a panel after its image, in display pixels ({@code scale} = display / image). */
    @FunctionalInterface
    interface Decoration {
        void draw(Graphics2D g, double scale);
    }

    record Panel(BufferedImage picture, String title, String detail, Decoration decoration) {}

    record LegendEntry(int colour, String name) {}

    /** Display height of panels whose tallest image is {@code maxHeight} px. */
    static int panelHeight(int maxHeight) {
        return Math.max(MIN_PANEL_HEIGHT, Math.min(MAX_PANEL_HEIGHT, maxHeight));
    }

    static int panelWidth(BufferedImage picture, int panelHeight) {
        return Math.max(1, (int) Math.round((double) picture.getWidth() * panelHeight / picture.getHeight()));
    }

    private static BufferedImage compose(List<Panel> panels, List<LegendEntry> legend) {
        int maxH = 0;
        for (Panel p : panels) {
            maxH = Math.max(maxH, p.picture().getHeight());
        }
        int ph = panelHeight(maxH);
        int width = MARGIN;
        for (Panel p : panels) {
            width += panelWidth(p.picture(), ph) + MARGIN;
        }
        BufferedImage measure = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D mg = measure.createGraphics();
        mg.setFont(DETAIL_FONT);
        List<int[]> legendSpots = layoutLegend(legend, mg.getFontMetrics(), width);
        mg.dispose();
        int legendRows = legendSpots.isEmpty() ? 0 : legendSpots.get(legendSpots.size() - 1)[1] + 1;
        int height = MARGIN + ph + CAPTION_HEIGHT + legendRows * LEGEND_ROW + MARGIN;

        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int x = MARGIN;
            for (Panel p : panels) {
                int pw = panelWidth(p.picture(), ph);
                g.drawImage(p.picture(), x, MARGIN, pw, ph, null);
                if (p.decoration() != null) {
                    Graphics2D pg = (Graphics2D) g.create(x, MARGIN, pw, ph);
                    p.decoration().draw(pg, (double) ph / p.picture().getHeight());
                    pg.dispose();
                }
                drawCentred(g, TITLE_FONT, INK, p.title(), x, pw, MARGIN + ph + 17);
                drawCentred(g, DETAIL_FONT, MUTED, p.detail(), x, pw, MARGIN + ph + 33);
                x += pw + MARGIN;
            }
            g.setFont(DETAIL_FONT);
            FontMetrics fm = g.getFontMetrics();
            int legendTop = MARGIN + ph + CAPTION_HEIGHT;
            for (int i = 0; i < legend.size(); i++) {
                int[] spot = legendSpots.get(i);
                int y = legendTop + spot[1] * LEGEND_ROW;
                g.setColor(new Color(legend.get(i).colour()));
                g.fillRect(spot[0], y + 4, 14, 14);
                g.setColor(MUTED);
                g.drawRect(spot[0], y + 4, 14, 14);
                g.setColor(INK);
                g.drawString(legend.get(i).name(), spot[0] + 20, y + 4 + fm.getAscent());
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** {x, row} of each legend entry, filling rows left to right within the figure width. */
    private static List<int[]> layoutLegend(List<LegendEntry> legend, FontMetrics fm, int width) {
        List<int[]> spots = new ArrayList<>();
        int x = MARGIN;
        int row = 0;
        for (LegendEntry e : legend) {
            int w = 20 + fm.stringWidth(e.name()) + 18;
            if (x > MARGIN && x + w > width - MARGIN) {
                x = MARGIN;
                row++;
            }
            spots.add(new int[] {x, row});
            x += w;
        }
        return spots;
    }

    private static void drawCentred(Graphics2D g, Font font, Color colour, String text, int x, int width, int baseline) {
        if (text == null || text.isEmpty()) {
            return;
        }
        g.setFont(font);
        g.setColor(colour);
        FontMetrics fm = g.getFontMetrics();
        String shown = text;
        if (fm.stringWidth(shown) > width) {
            while (shown.length() > 1 && fm.stringWidth(shown + "…") > width) {
                shown = shown.substring(0, shown.length() - 1);
            }
            shown += "…";
        }
        g.drawString(shown, x + (width - fm.stringWidth(shown)) / 2, baseline);
    }

    // ----------------------------------------------------------------------------------------------- pixels, io

    /** Any decoded image (grey, 16-bit, indexed …) as a fresh 8-bit RGB copy. */
    static BufferedImage rgbCopy(BufferedImage image) {
        return Images.toDisplay(Images.toRgb(image));
    }

    private static double luminance(int rgb) {
        return (0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF)) / 255.0;
    }

}
