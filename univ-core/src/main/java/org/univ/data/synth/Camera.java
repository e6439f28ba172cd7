package org.univ.data.synth;

import java.awt.geom.Path2D;
import java.awt.geom.Point2D;

/**
 * A level pinhole camera over flat ground. World coordinates in metres: X right, Y up from the ground,
 * Z forward from the camera; the camera sits at X = 0, Y = {@code mountHeight}. A ground point at depth Z
 * lands {@code focal · mountHeight / Z} pixels below the horizon row.
 */
record Camera(int width, int height, float focal, float horizon, float mountHeight) {

    float imageX(float x, float z) {
        return width / 2f + focal * x / z;
    }

    float imageY(float y, float z) {
        return horizon + focal * (mountHeight - y) / z;
    }

    Point2D.Float project(float x, float y, float z) {
        return new Point2D.Float(imageX(x, z), imageY(y, z));
    }

    /** Depth of the ground seen at image row {@code y} (below the horizon). */
    float groundDepth(float y) {
        return focal * mountHeight / (y - horizon);
    }

    /** Lateral world position seen at image column {@code x} at depth {@code z}. */
    float worldX(float x, float z) {
        return (x - width / 2f) * z / focal;
    }

    /** A polygon through the projections of world points given as (x, y, z) triples. */
    Path2D.Float polygon(float... xyz) {
        Path2D.Float p = new Path2D.Float();
        for (int i = 0; i < xyz.length; i += 3) {
            Point2D.Float q = project(xyz[i], xyz[i + 1], xyz[i + 2]);
            if (i == 0) {
                p.moveTo(q.x, q.y);
            } else {
                p.lineTo(q.x, q.y);
            }
        }
        p.closePath();
        return p;
    }
}
