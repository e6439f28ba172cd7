package org.univ.spark.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import org.univ.train.PretrainConfig;

/**
 * Driver-side progress: follows the metrics.jsonl that task 0 appends to (on shared storage, so this works on a
 * cluster too) and reports every 10th step, the first and the last, with pairs/s and an ETA.
 */
final class MetricsTail implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final PretrainConfig config;
    private final Consumer<String> out;
    private final Thread thread;
    private final long started = System.nanoTime();
    private long offset;
    private long firstStep = -1;
    private volatile boolean stop;

    MetricsTail(Path file, PretrainConfig config, Consumer<String> out) {
        this.file = file;
        this.config = config;
        this.out = out;
        this.thread = new Thread(this::loop, "univ-metrics-tail");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!stop) {
            poll();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void poll() {
        if (!Files.exists(file)) {
            return;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (f.length() < offset) {
                offset = 0; // rewritten on resume
            }
            f.seek(offset);
            byte[] rest = new byte[(int) (f.length() - offset)];
            f.readFully(rest);
            String text = new String(rest, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return;
            }
            offset += text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length;
            for (String line : text.substring(0, end).split("\n")) {
                report(JSON.readTree(line));
            }
        } catch (IOException e) {
            // a line being written: read it next time
        }
    }

    private void report(JsonNode m) {
        long step = m.path("step").asLong();
        if (firstStep < 0) {
            firstStep = step - 1;
        }
        long total = config.steps;
        if (step % 10 == 0 || step == total || step == firstStep + 1) {
            double seconds = (System.nanoTime() - started) / 1e9;
            double pairsPerSecond = (step - firstStep) * config.batch / Math.max(seconds, 1e-9);
            out.accept(String.format(Locale.ROOT, "step %d/%s  loss %.4f (IR %.4f, RGB %.4f) lr %.2e %.1f pairs/s", step,
                    total > 0 ? Long.toString(total) : "?", m.path("loss").asDouble(), m.path("loss_ir").asDouble(),
                    m.path("loss_rgb").asDouble(), m.path("lr").asDouble(), pairsPerSecond));
        }
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poll();
    }
}
