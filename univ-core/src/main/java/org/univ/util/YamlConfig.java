package org.univ.util;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The project's YAML configs ({@code pretrain}, detection, segmentation): one YAML mapping with snake_case keys bound
 * by Jackson to a config class, {@code --set a.b=value} overrides applied to the tree first, unknown keys and nulls
 * for primitives refused with a {@link ConfigException} naming the source and the key. A config file may start from
 * another one: {@code base: other.yaml} (relative to the file) reads that first and lays this file's keys over it,
 * mappings merged key by key, lists and values replaced; so a variant recipe states only what it changes.
 */
public final class YamlConfig {
    /** Snake_case keys; unknown keys and nulls for primitives are errors. */
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private YamlConfig() {}

    /**
     * Reads a YAML file (null: no file, the defaults) and binds it after the overrides.
     *
     * @param what the kind of config for messages, e.g. {@code detection config}
     */
    public static <T> T load(Path file, List<String> overrides, Class<T> type, String what) {
        return bind(fileTree(file, overrides, what), file == null ? what : file.toString(), what,
                t -> YAML.treeToValue(t, type));
    }

    /** As {@link #load} from YAML text; {@code source} names it in messages. Validation is the caller's. */
    public static <T> T parse(String yaml, String source, List<String> overrides, Class<T> type, String what) {
        ObjectNode tree = tree(yaml, source, what);
        if (tree.has(BASE)) {
            throw new ConfigException(source + ": '" + BASE + "' is only allowed in a config file (it is resolved"
                    + " relative to the file)");
        }
        return bind(withOverrides(tree, overrides), source, what, t -> YAML.treeToValue(t, type));
    }

    /**
     * Sets the keys of a YAML file (null: none) and the overrides on an existing object, e.g. a builder whose
     * fields hold the defaults; returns it.
     */
    public static <T> T update(T target, Path file, List<String> overrides, String what) {
        return bind(fileTree(file, overrides, what), file == null ? what : file.toString(), what,
                t -> YAML.readerForUpdating(target).readValue(t));
    }

    private static String read(Path file, String what) {
        try {
            return file == null ? "{}" : Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the " + what + ": " + e.getMessage());
        }
    }

    /** The key naming the config a file starts from. */
    public static final String BASE = "base";

    /** A file's tree (null: empty) with its {@code base} chain resolved, then the overrides set. */
    private static ObjectNode fileTree(Path file, List<String> overrides, String what) {
        return withOverrides(fileTree(file, what, new ArrayList<>()), overrides);
    }

    /** A file's tree with its {@code base} chain resolved ({@code chain}: the files being read, to refuse cycles). */
    private static ObjectNode fileTree(Path file, String what, List<Path> chain) {
        String source = file == null ? what : file.toString();
        ObjectNode tree = tree(read(file, what), source, what);
        JsonNode base = tree.remove(BASE);
        if (base == null) {
            return tree;
        }
        if (!base.isTextual() || base.asText().isBlank()) {
            throw new ConfigException(source + ": '" + BASE + "' must name another config file, got " + base);
        }
        Path self = file.toAbsolutePath().normalize();
        chain.add(self);
        Path parent = self.getParent(); // an absolute file path always has one
        Path baseFile = parent.resolve(base.asText()).normalize();
        if (chain.contains(baseFile)) {
            throw new ConfigException(source + ": '" + BASE + ": " + base.asText() + "' makes a cycle (" + chain
                    + " -> " + baseFile + "); remove one of the base keys");
        }
        if (!Files.isRegularFile(baseFile)) {
            throw new ConfigException(source + ": its " + BASE + " config " + baseFile + " does not exist (the path is"
                    + " relative to " + parent + ")");
        }
        ObjectNode merged = fileTree(baseFile, what, chain);
        merge(merged, tree);
        return merged;
    }

    /** Lays {@code over} onto {@code under}: mappings merged key by key, anything else replaced. */
    static void merge(ObjectNode under, ObjectNode over) {
        over.fields().forEachRemaining(e -> {
            JsonNode mine = under.get(e.getKey());
            if (mine instanceof ObjectNode m && e.getValue() instanceof ObjectNode o) {
                merge(m, o);
            } else {
                under.set(e.getKey(), e.getValue());
            }
        });
    }

    private static ObjectNode tree(String yaml, String source, String what) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot read YAML: " + e.getMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            tree = YAML.createObjectNode();
        }
        if (!tree.isObject()) {
            throw new ConfigException(source + ": the " + what + " must be a YAML mapping of keys");
        }
        return (ObjectNode) tree;
    }

    private static ObjectNode withOverrides(ObjectNode tree, List<String> overrides) {
        for (String o : overrides == null ? List.<String>of() : overrides) {
            set(tree, o);
        }
        return tree;
    }

    private interface Binding<T> {
        T bind(ObjectNode tree) throws IOException;
    }

    private static <T> T bind(ObjectNode tree, String source, String what, Binding<T> binding) {
        try {
            return binding.bind(tree);
        } catch (UnrecognizedPropertyException e) {
            String at = path(e);
            throw new ConfigException(source + ": unknown " + what + " key '" + e.getPropertyName() + "'"
                    + (at.isEmpty() ? "" : " at " + at) + " (known keys: " + e.getKnownPropertyIds() + ")");
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": invalid " + what + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(source + ": invalid " + what + ": " + e.getMessage());
        }
    }

    /** {@code a.b.c=value}: the value is parsed as YAML (numbers, booleans, lists like [x, y]). */
    public static void set(ObjectNode root, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("--set needs key=value, got '" + assignment + "'");
        }
        String[] keys = assignment.substring(0, eq).trim().split("\\.");
        JsonNode value;
        try {
            value = YAML.readTree(assignment.substring(eq + 1));
        } catch (IOException e) {
            throw new ConfigException("--set " + assignment + ": cannot parse the value");
        }
        ObjectNode node = root;
        for (int i = 0; i < keys.length - 1; i++) {
            JsonNode next = node.get(keys[i]);
            if (next == null || !next.isObject()) {
                next = node.putObject(keys[i]);
            }
            node = (ObjectNode) next;
        }
        node.set(keys[keys.length - 1], value == null || value.isMissingNode() ? YAML.nullNode() : value);
    }

    /** The config as YAML (what run folders and checkpoints store). */
    public static String toYaml(Object config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where a nested unknown key sits, e.g. {@code optim}; empty at the top level. */
    private static String path(UnrecognizedPropertyException e) {
        var refs = e.getPath();
        StringBuilder sb = new StringBuilder();
        for (var ref : refs.subList(0, Math.max(0, refs.size() - 1))) { // the last one is the unknown key itself
            if (ref.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
            }
        }
        return sb.toString();
    }
}
