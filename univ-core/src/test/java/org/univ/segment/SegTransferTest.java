package org.univ.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.TestModels;
import org.univ.data.synth.SceneGenerator;
import org.univ.downstream.Modality;
import org.univ.downstream.TransferStudy;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.util.ConfigException;

/** Segmentation through {@link TransferStudy} on generated scenes (the layout {@code univ data synth} writes). */
class SegTransferTest {
    @TempDir
    Path tmp;

    /** 6 generated 64×48 scenes: vi/ ir/ mask/ classes.txt train.txt (4 ids) val.txt (2 ids). */
    private Path scenes() {
        return SceneGenerator.builder().optSize(64, 48).optSeed(3).optValFraction(0.34).build()
                .write(tmp.resolve("synth"), 6).dir();
    }

    /** A tiny ViT with weights from {@code seed}; counts how often it is built. */
    private static Supplier<Backbone> tiny(NDManager m, int seed, AtomicInteger built) {
        return () -> {
            built.incrementAndGet();
            Backbone b = Backbones.create(TestModels.tinyVit(), m);
            b.module().initialize(seed);
            return b;
        };
    }

    @Test
    void teacherAndStudentOnGeneratedScenes() throws Exception {
        Path data = scenes();
        Path out = tmp.resolve("out");
        java.nio.file.Files.createDirectories(out);
        List<String> log = new ArrayList<>();
        SegTransfer task = SegTransfer.builder().setTrain(data + ":train.txt").setVal(data + ":val.txt")
                .setTrainer(SegTrainer.builder().setSize(32, 48).optIterations(2).optBatchSize(1).optChannels(8))
                .optLog(log::add).build();
        AtomicInteger built = new AtomicInteger();
        TransferStudy.Outcome o;
        try (NDManager m = NDManager.newBaseManager()) {
            o = TransferStudy.run(task, tiny(m, 1, built), tiny(m, 2, built), List.of(Modality.IR, Modality.RGB),
                    List.of(0L, 1L), out, null);
        }
        assertEquals(4, built.get(), "frozen: one backbone per backbone × modality, shared by the seeds");
        assertEquals(List.of("mIoU", "aAcc", "mAcc"), o.metrics());
        assertEquals(4 + 8, log.size(), String.join("\n", log));           // 4 dataset lines, 8 runs
        ObjectMapper json = new ObjectMapper();
        for (Modality mod : List.of(Modality.IR, Modality.RGB)) {
            double byHand = 0;
            for (long seed : new long[] {0, 1}) {
                double[] aAcc = new double[2];
                int k = 0;
                for (String who : List.of(TransferStudy.TEACHER, TransferStudy.STUDENT)) {
                    JsonNode run = json.readTree(out.resolve("seg_" + who + "_" + mod.key() + "_seed" + seed + ".json")
                            .toFile());
                    assertEquals(6, run.get("per_class").size(), "sky road vegetation building car person");
                    double recorded = o.results().get(who).get(mod).perSeed().get((int) seed).get("aAcc");
                    assertEquals(run.get("aAcc").asDouble(), recorded, 1e-12);
                    assertTrue(recorded >= 0 && recorded <= 1, who + " " + mod + " " + recorded);
                    aAcc[k++] = recorded;
                }
                byHand += (aAcc[1] - aAcc[0]) / 2;
            }
            assertEquals(byHand, o.difference(mod, "aAcc").mean(), 1e-12);
            for (String who : List.of(TransferStudy.TEACHER, TransferStudy.STUDENT)) {
                List<Path> pictures = o.results().get(who).get(mod).pictures();
                assertEquals(List.of(out.resolve("seg_" + who + "_" + mod.key() + ".png")), pictures);
                BufferedImage picture = ImageIO.read(pictures.get(0).toFile());
                assertEquals(2 * 64 + 4, picture.getWidth(), "ground truth | prediction at the image's size");
                assertEquals(48, picture.getHeight());
            }
        }
        assertTrue(o.table().lines().anyMatch(l -> l.startsWith("ir ") && l.contains("mIoU")), o.table());
    }

    @Test
    void fineTuningLoadsAFreshBackbonePerSeed() throws Exception {
        Path data = scenes();
        SegTransfer task = SegTransfer.builder().setTrain(data + ":train.txt").setVal(data + ":val.txt")
                .setTrainer(SegTrainer.builder().setSize(32, 32).optIterations(1).optBatchSize(1).optChannels(8)
                        .load(null, List.of("protocol=finetune", "lora_rank=2")))
                .build();
        AtomicInteger built = new AtomicInteger();
        try (NDManager m = NDManager.newBaseManager()) {
            var r = task.run("student", tiny(m, 2, built), Modality.IR, List.of(0L, 1L), tmp);
            assertEquals(2, r.perSeed().size());
        }
        assertEquals(2, built.get(), "LoRA is injected in place: one backbone per seed");
    }

    @Test
    void settingsComeFromYamlKeysAndBadOnesNameTheKey() {
        SegTrainer.Builder b = SegTrainer.builder().setSize(32, 48)
                .load(null, List.of("iterations=7", "lr=2e-3", "protocol=finetune", "lora_rank=4", "crop_width=16"));
        String yaml = b.toYaml();
        assertTrue(yaml.contains("iterations: 7") && yaml.contains("protocol: \"finetune\"")
                && yaml.contains("lora_rank: 4") && yaml.contains("crop_width: 16"), yaml);
        assertEquals(SegTrainer.Protocol.FINETUNE, b.build().protocol());
        assertEquals(2e-3, b.build().learningRate(0), 1e-15);
        ConfigException e = assertThrows(ConfigException.class,
                () -> SegTrainer.builder().load(null, List.of("iteratoins=3")));
        assertTrue(e.getMessage().contains("'iteratoins'") && e.getMessage().contains("segmentation config"), e.getMessage());
        assertThrows(ConfigException.class, () -> SegTrainer.builder().load(null, List.of("protocol=frozen")));
        assertThrows(IllegalArgumentException.class, () -> SegTransfer.builder().setTrain("a:t.txt").setVal("a:v.txt")
                .setTrainer(SegTrainer.builder().setSize(32, 32).optIterations(0)).build());
    }
}
