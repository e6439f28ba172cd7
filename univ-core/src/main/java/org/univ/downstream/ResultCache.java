package org.univ.downstream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.univ.io.AtomicFiles;

/**
 * Per-modality results of one backbone under one experiment, kept as JSON files named by a fingerprint of
 * everything that determines them (backbone file identity, task config, data, ids, size, seeds): a changed
 * setting gives a new name, so a stale result is never reused.
 */
public final class ResultCache {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final String fingerprint;

    /**
     * @param dir        folder of the cache files (created on first write)
     * @param identity   every setting the results depend on, as text; the backbone file's path, size and
     *                   modification time are added here
     * @param backbone   the checkpoint the results are of
     */
    public ResultCache(Path dir, String identity, Path backbone) {
        this.dir = dir;
        String id;
        try {
            id = identity + "\n" + backbone.toAbsolutePath().normalize() + "\n" + Files.size(backbone) + "\n"
                    + Files.getLastModifiedTime(backbone).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(backbone + ": cannot read the checkpoint's size and time", e);
        }
        this.fingerprint = sha256(id).substring(0, 16);
    }

    public Path file(Modality modality) {
        return dir.resolve("result-" + modality.key() + "-" + fingerprint + ".json");
    }

    /** The cached result, or null when there is none (or it cannot be read: it is then recomputed). */
    public TransferTask.Result get(Modality modality) {
        Path f = file(modality);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            Map<String, Object> doc = JSON.readValue(f.toFile(), new TypeReference<>() {});
            @SuppressWarnings("unchecked")
            List<Map<String, Double>> perSeed = (List<Map<String, Double>>) doc.get("per_seed");
            @SuppressWarnings("unchecked")
            List<String> pictures = (List<String>) doc.get("pictures");
            return new TransferTask.Result(perSeed, pictures.stream().map(Path::of).toList());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public void put(Modality modality, TransferTask.Result result) {
        try {
            Files.createDirectories(dir);
            byte[] text = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of(
                    "per_seed", result.perSeed(),
                    "pictures", result.pictures().stream().map(Path::toString).toList()));
            AtomicFiles.write(file(modality), text);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write a result cache file (" + e.getMessage()
                    + "); free space or drop --teacher-cache", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
