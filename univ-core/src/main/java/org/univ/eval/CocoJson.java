package org.univ.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading COCO JSON with errors that name the file, the entry and the fix. */
final class CocoJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private CocoJson() {}

    static JsonNode read(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file (expected " + what + ")");
        }
        try {
            return MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getOriginalMessage() + " at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    static JsonNode field(JsonNode node, String name, String where) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(where + " has no \"" + name + "\"");
        }
        return v;
    }

    static long integer(JsonNode node, String name, String where) {
        JsonNode v = field(node, name, where);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException(where + ": \"" + name + "\" must be an integer, got " + v);
        }
        return v.longValue();
    }

    static int intId(JsonNode node, String name, String where) {
        long v = integer(node, name, where);
        if (v != (int) v) {
            throw new IllegalArgumentException(where + ": \"" + name + "\" " + v + " is out of int range");
        }
        return (int) v;
    }

    static double number(JsonNode node, String name, String where) {
        JsonNode v = field(node, name, where);
        if (!v.isNumber()) {
            throw new IllegalArgumentException(where + ": \"" + name + "\" must be a number, got " + v);
        }
        return v.doubleValue();
    }

    static CocoBox box(JsonNode node, String where) {
        JsonNode b = field(node, "bbox", where);
        if (!b.isArray() || b.size() != 4) {
            throw new IllegalArgumentException(where + ": \"bbox\" must be 4 numbers [x, y, width, height], got " + b);
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            if (!b.get(i).isNumber()) {
                throw new IllegalArgumentException(where + ": \"bbox\" must be 4 numbers [x, y, width, height], got "
                        + b);
            }
            v[i] = b.get(i).doubleValue();
        }
        try {
            return new CocoBox(v[0], v[1], v[2], v[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    static JsonNode array(JsonNode node, String name, String where) {
        JsonNode v = field(node, name, where);
        if (!v.isArray()) {
            throw new IllegalArgumentException(where + ": \"" + name + "\" must be a list, got " + v.getNodeType());
        }
        return v;
    }
}
