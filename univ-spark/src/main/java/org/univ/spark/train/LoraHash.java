package org.univ.spark.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.univ.lora.LoRA;
import org.univ.model.Backbone;
import org.univ.model.Parameter;

/** A SHA-256 over a student's LoRA factors (names, shapes and float bits, in name order): equal hashes, equal weights. */
public final class LoraHash {
    private LoraHash() {}

    public static String of(Backbone student) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, Parameter> e : new java.util.TreeMap<>(LoRA.loraParameters(student.module())).entrySet()) {
            sha.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update(e.getValue().array().getShape().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            float[] v = e.getValue().array().toFloatArray();
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            sha.update(b);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
