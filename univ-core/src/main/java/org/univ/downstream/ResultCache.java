package org.univ.downstream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
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
     * @param identity   every setting the results depend on, as text; a digest of the backbone file's bytes is
     *                   added here (not its path or time: a re-copied {@code ../shared} keeps its cache)
     * @param backbone   the checkpoint the results are of
     */
    public ResultCache(Path dir, String identity, Path backbone) {
        this.dir = dir;
        MessageDigest digest = sha256();
        digest.update(identity.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        try (InputStream in = new DigestInputStream(Files.newInputStream(backbone), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(backbone + ": cannot read the checkpoint to fingerprint the cache", e);
        }
        this.fingerprint = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
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

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
