package org.univ.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.Console;
import org.univ.TestModels;
import org.univ.spark.LocalSpark;
import org.univ.spark.SparkMain;

/** The {@code univ spark} commands in-process on local[2] (each starts and stops its own Spark session). */
class SparkCommandTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path weights;

    static Console.Result run(String... args) {
        return Console.capture(() -> SparkMain.execute(args));
    }

    @BeforeAll
    static void fixtures() {
        data = LocalSpark.scenes(dir.resolve("scenes"), 8);
        weights = TestModels.saveTinyVit(dir.resolve("vit.safetensors"), 3);
    }

    @Test
    void helpListsTheSubcommandsAndTheirSparkOptions() {
        Console.Result r = run("--help");
        assertEquals(0, r.exitCode());
        for (String sub : new String[] {"pretrain", "embed", "data-check", "bench"}) {
            assertTrue(r.out().contains(sub), r.out());
        }
        Console.Result p = run("pretrain", "--help");
        assertTrue(p.out().contains("--master") && p.out().contains("--workers") && p.out().contains("--max-restarts"), p.out());
        assertTrue(!p.out().contains("--inject-failure"), "the fault injection stays hidden");
    }

    @Test
    void dataCheckReportsUsableAndUnusableRoots() {
        Console.Result ok = run("data-check", "--master", "local[2]", data.toString());
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().contains("1 root(s), 8 pairs: all usable"), ok.out());
        Console.Result bad = run("data-check", "--master", "local[2]", "--json", data.toString(), dir.resolve("absent").toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.out().contains("\"usable\" : false") && bad.out().contains("does not exist"), bad.out());
    }

    @Test
    void pretrainRestartsAfterAnInjectedFailureAndWritesTheRunFolder() throws Exception {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, "teacher: " + weights + "\ndata: {roots: [" + data + "], workers: 0}\nsize: 32\nbatch: 4\n"
                + "steps: 6\ncheckpoint_every: 2\noptim: {lr: 1.0e-3}\nout: " + dir.resolve("run") + "\n");
        Console.Result r = run("pretrain", "--master", "local[2]", "--config", config.toString(), "--workers", "2",
                "--inject-failure", "0:3");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("attempt 1 failed") && r.out().contains("done: 6 steps") && r.out().contains("(2 attempts)"),
                r.out());
        assertTrue(r.out().contains("step 6/6"), r.out());
        for (String f : new String[] {"config.yaml", "metrics.jsonl", "summary.json", "student.safetensors",
                "checkpoints/step-00000006.safetensors"}) {
            assertTrue(Files.exists(dir.resolve("run").resolve(f)), f);
        }
        assertTrue(r.out().contains("attempt 1 failed: org.univ.spark.train.FaultInjection$InjectedFault: injected fault:"
                + " task 0 killed after step 3"), r.out()); // the root cause, not the peer's broken all-reduce

        Console.Result resumed = run("pretrain", "--master", "local[2]", "--resume", dir.resolve("run").toString(), "--workers", "2",
                "--set", "steps=8");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("done: 8 steps") && resumed.out().contains("(1 attempt)"), resumed.out());
        assertEquals(8, Files.readAllLines(dir.resolve("run/metrics.jsonl")).size());

        Console.Result uneven = run("pretrain", "--master", "local[2]", "--config", config.toString(), "--workers", "3",
                "--set", "out=" + dir.resolve("run3"));
        assertEquals(1, uneven.exitCode());
        assertTrue(uneven.err().startsWith("error: batch 4 cannot be split into 3 equal shards"), uneven.err());
    }

    @Test
    void embedWritesParquetAndBenchPrintsTheAllReduceTable() {
        Path out = dir.resolve("emb");
        Console.Result e = run("embed", "--master", "local[2]", "--weights", weights.toString(), "--out", out.toString(), "--size", "32",
                "--modality", "rgb", data.toString());
        assertEquals(0, e.exitCode(), e.err());
        assertTrue(e.out().startsWith("8 pairs -> 8 embeddings"), e.out());
        assertTrue(Files.exists(out.resolve("_SUCCESS")));

        Console.Result b = run("bench", "--master", "local[2]", "--no-step", "--reps", "3");
        assertEquals(0, b.exitCode(), b.err());
        assertTrue(b.out().contains("DeiT-Tiny LoRA r8") && b.out().contains("294,912") && b.out().contains("1,179,648"),
                b.out());
    }
}
