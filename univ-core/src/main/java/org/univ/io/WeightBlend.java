package org.univ.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Linear interpolation between two checkpoints of one architecture, {@code (1 − s)·base + s·tuned} per tensor
 * (WiSE-FT's weight-space ensemble): with a merged UNIV student as {@code tuned} and its RGB teacher as
 * {@code base}, the strength {@code s} trades how far the student moved (its IR gain) against how much of the
 * teacher it keeps (its RGB quality) without training again. {@code s = 0} gives the base and {@code s = 1} the
 * tuned checkpoint, bit for bit. The metadata is the tuned checkpoint's (its IR normalisation, architecture),
 * plus {@code univ_blend_strength}.
 */
public final class WeightBlend {
    private WeightBlend() {}

    /**
     * @param baseName  names {@code base} in errors (e.g. its file)
     * @param tunedName names {@code tuned} in errors
     * @throws CheckpointException when the two differ in tensor names, shapes or dtypes, or a non-float tensor
     *                             differs in value (blending is only defined for the same architecture)
     */
    public static StateDict blend(StateDict base, String baseName, StateDict tuned, String tunedName, double strength) {
        if (!(strength >= 0 && strength <= 1)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "blend strength must be in [0, 1] (0 = %s, 1 = %s), got %s", baseName, tunedName, strength));
        }
        if (!base.names().equals(tuned.names())) {
            throw new CheckpointException(baseName + " and " + tunedName + " hold different tensors (only in "
                    + baseName + ": " + missing(base, tuned) + "; only in " + tunedName + ": " + missing(tuned, base)
                    + "); blend two checkpoints of the same architecture, e.g. a merged student and its teacher");
        }
        StateDict out = new StateDict();
        out.metadata().putAll(tuned.metadata());
        out.metadata().put("univ_blend_strength", Double.toString(strength));
        for (Map.Entry<String, NDArray> e : tuned.tensors().entrySet()) {
            String name = e.getKey();
            NDArray b = base.require(name);
            NDArray t = e.getValue();
            if (!b.getShape().equals(t.getShape()) || b.getDataType() != t.getDataType()) {
                throw new CheckpointException(String.format(Locale.ROOT, "tensor '%s' is %s %s in %s but %s %s in %s;"
                                + " blend two checkpoints of the same architecture", name, b.getDataType(),
                        Arrays.toString(b.getShape().getShape()), baseName, t.getDataType(),
                        Arrays.toString(t.getShape().getShape()), tunedName));
            }
            if (!t.getDataType().isFloating()) {
                if (!b.contentEquals(t)) {
                    throw new CheckpointException("integer tensor '" + name + "' differs between " + baseName + " and "
                            + tunedName + "; it cannot be interpolated");
                }
                out.put(name, t);
                continue;
            }
            // (1 − s)·base + s·tuned, computed in float64 so s = 0 and s = 1 reproduce the inputs exactly
            NDArray mixed = b.toType(DataType.FLOAT64, false).mul(1 - strength)
                    .add(t.toType(DataType.FLOAT64, false).mul(strength)).toType(t.getDataType(), false);
            out.put(name, mixed);
        }
        return out;
    }

    private static String missing(StateDict a, StateDict b) {
        return a.names().stream().filter(n -> !b.contains(n)).limit(5).toList().toString();
    }
}
