package org.univ.data.synth;

import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;

/**
 * An upright flat object facing the camera, standing on the ground at lateral position {@code x} and depth
 * {@code z}: shapes are given in local metres (u right of the anchor, v up from the ground) and come back
 * in image pixels, so one drawing of a person or car serves every distance.
 */
record Billboard(Camera camera, float x, float z) {

    float px(float u) {
        return camera.imageX(x + u, z);
    }

    float py(float v) {
        return camera.imageY(v, z);
    }

    /** Pixels per metre at this depth. */
    float scale() {
        return camera.focal() / z;
    }

    Shape rect(float u0, float v0, float u1, float v1) {
        return new Rectangle2D.Float(px(Math.min(u0, u1)), py(Math.max(v0, v1)), Math.abs(u1 - u0) * scale(),
                Math.abs(v1 - v0) * scale());
    }

    Shape roundRect(float u0, float v0, float u1, float v1, float arc) {
        return new RoundRectangle2D.Float(px(Math.min(u0, u1)), py(Math.max(v0, v1)), Math.abs(u1 - u0) * scale(),
                Math.abs(v1 - v0) * scale(), arc * scale(), arc * scale());
    }

    Shape ellipse(float uc, float vc, float ru, float rv) {
        return new Ellipse2D.Float(px(uc - ru), py(vc + rv), 2 * ru * scale(), 2 * rv * scale());
    }

    /** A polygon through local (u, v) pairs. */
    Shape polygon(float... uv) {
        Path2D.Float p = new Path2D.Float();
        p.moveTo(px(uv[0]), py(uv[1]));
        for (int i = 2; i < uv.length; i += 2) {
            p.lineTo(px(uv[i]), py(uv[i + 1]));
        }
        p.closePath();
        return p;
    }

    /** A limb: the segment (u0, v0)–(u1, v1) thickened to {@code thickness} metres. */
    Shape limb(float u0, float v0, float u1, float v1, float thickness) {
        float du = u1 - u0;
        float dv = v1 - v0;
        float len = (float) Math.max(1e-6, Math.hypot(du, dv));
        float nu = -dv / len * thickness / 2;
        float nv = du / len * thickness / 2;
        return polygon(u0 + nu, v0 + nv, u1 + nu, v1 + nv, u1 - nu, v1 - nv, u0 - nu, v0 - nv);
    }

    /**
     * A flat ellipse on the ground around (u, depth z): {@code halfWidth} across, {@code halfDepth} along the
     * view (foreshortened by perspective).
     */
    Shape groundEllipse(float uc, float halfWidth, float halfDepth) {
        float top = groundRow(halfDepth);
        float bottom = groundRow(-halfDepth);
        return new Ellipse2D.Float(px(uc - halfWidth), top, 2 * halfWidth * scale(), bottom - top);
    }

    /** The light pool a lamp casts on that ground ellipse. */
    Light groundLight(float uc, float halfWidth, float halfDepth, Rgb colour) {
        float top = groundRow(halfDepth);
        float bottom = groundRow(-halfDepth);
        return new Light(px(uc), (top + bottom) / 2, halfWidth * scale(), Math.max(1f, (bottom - top) / 2), colour);
    }

    /** Image row of the ground {@code dz} metres beyond this depth (kept in front of the camera). */
    private float groundRow(float dz) {
        return camera.imageY(0, Math.max(0.5f, z + dz));
    }

    /** A round glow of light around (u, v), {@code radius} metres. */
    Light glow(float uc, float vc, float radius, Rgb colour) {
        return new Light(px(uc), py(vc), radius * scale(), radius * scale(), colour);
    }
}
