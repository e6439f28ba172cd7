package org.univ.detect;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import org.univ.data.Images;
import org.univ.data.Images.Planes;
import org.univ.downstream.ClassColours;

/**
 * Pictures of detections: the image (grey IR shown as grey RGB) with one coloured rectangle per box (a fixed colour
 * per class), labelled with the class name and score; ground-truth boxes, when given, as thin white outlines.
 */
public final class BoxPainter {
    private BoxPainter() {}

    public static Color colour(int classIndex) {
        return new Color(ClassColours.rgb(classIndex));
    }

    /**
     * Draws detections scoring at least {@code minScore} (and the ground truth, may be null) onto a copy of the image.
     */
    public static BufferedImage draw(Planes image, List<Detection> detections, List<String> classNames, double minScore,
                                     List<DetectionDataset.Box> truth) {
        BufferedImage img = Images.toDisplay(image);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        float line = Math.max(1.5f, img.getWidth() / 320f);
        if (truth != null) {
            g.setColor(new Color(255, 255, 255, 200));
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
            for (DetectionDataset.Box b : truth) {
                g.drawRect((int) Math.round(b.x1()), (int) Math.round(b.y1()), (int) Math.round(b.width()),
                        (int) Math.round(b.height()));
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, img.getHeight() / 40)));
        FontMetrics fm = g.getFontMetrics();
        // lowest scores first, so the best boxes end up on top
        List<Detection> shown = detections.stream().filter(d -> d.score() >= minScore)
                .sorted((a, b) -> Double.compare(a.score(), b.score())).toList();
        for (Detection d : shown) {
            Color c = colour(d.classIndex());
            int x = (int) Math.round(d.x1());
            int y = (int) Math.round(d.y1());
            g.setColor(c);
            g.setStroke(new BasicStroke(line));
            g.drawRect(x, y, (int) Math.round(d.width()), (int) Math.round(d.height()));
            String name = d.classIndex() < classNames.size() ? classNames.get(d.classIndex()) : "class " + d.classIndex();
            String label = String.format(Locale.ROOT, "%s %.2f", name, d.score());
            int tw = fm.stringWidth(label) + 4;
            int th = fm.getAscent() + 2;
            int ty = Math.max(0, y - th);
            int tx = Math.max(0, Math.min(x, img.getWidth() - tw)); // keep the label inside the picture
            g.fillRect(tx, ty, tw, th);
            g.setColor(Color.BLACK);
            g.drawString(label, tx + 2, ty + fm.getAscent());
        }
        g.dispose();
        return img;
    }

}
