package org.univ.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.univ.lora.LoRA;
import org.univ.lora.DropoutMasks;
import org.univ.lora.LoRAConfig;
import org.univ.loss.UnivObjective;
import org.univ.model.Backbone;
import org.univ.model.BackboneOutput;
import org.univ.model.Parameter;
import org.univ.model.Weights;
import org.univ.util.ThreadAutograd;

/**
 * UNIV pre-training (METHOD §2–6). One step: teacher forward on the RGB images without gradient →
 * pseudo-labels from its last attention → LoRA student forward on [RGB; IR] (or on IR, then RGB: {@code split_passes})
 * → α·PCCL(IR) + β·RGB term → backward (all inside scopes that close), then the {@link GradientReducer} (nothing on one machine; the
 * all-reduce of data-parallel training), then per-tensor clipping and AdamW on the LoRA factors. Checkpoints are
 * atomic and hold everything a run needs to continue exactly: LoRA factors, optimiser moments, step, data
 * position, config.
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PretrainConfig config;
    private final Backbone teacher;
    private final Backbone student;
    private final BatchSource data;
    private final Path runDir;
    private final NDManager manager;
    private final AdamW optimizer;
    private final UnivObjective objective;
    private final int[] rgbBlocks;
    private final Map<String, Parameter> trainable;
    private final LoRA.Report loraReport;
    private final long totalSteps;
    private final DropoutMasks dropoutMasks = new DropoutMasks();
    private GradientReducer reducer = GradientReducer.IDENTITY;
    private long step;
    private Path lastCheckpoint;

    /**
     * @param teacher the frozen RGB model (not modified)
     * @param student a copy of the teacher's weights; LoRA is injected here
     */
    public Trainer(PretrainConfig config, Backbone teacher, Backbone student, BatchSource data, Path runDir,
                   NDManager parent) {
        this.config = config;
        this.teacher = teacher;
        this.student = student;
        this.data = data;
        this.runDir = runDir;
        this.manager = parent.newSubManager();
        teacher.module().setTrainable(false);
        teacher.module().setTraining(false);
        boolean conv = "true".equals(config.lora.convolutions)
                || ("auto".equals(config.lora.convolutions) && !"vit".equals(student.config().arch()));
        LoRAConfig lora = LoRAConfig.builder().optRank(config.lora.rank).optAlpha(config.lora.alpha)
                .optDropout(config.lora.dropout).optTargets(config.lora.targets).optConvolutions(conv).build();
        this.loraReport = LoRA.inject(student.module(), lora, config.seed, dropoutMasks);
        student.module().setTraining(true);
        this.trainable = LoRA.loraParameters(student.module());
        this.optimizer = new AdamW(manager, config.optim.beta1, config.optim.beta2, config.optim.eps);
        this.objective = UnivObjective.builder()
                .optAlpha((float) config.loss.alpha).optBeta((float) config.loss.beta).optRgbPreservation(config.loss.rgb)
                .optRho((float) config.loss.rho).optTau((float) config.loss.tau)
                .optGamma((float) config.loss.colocated)
                .optBlockWeight(config.loss.rgbBlocks.isEmpty() ? 0f : (float) config.loss.rgbBlocksWeight).build();
        this.rgbBlocks = config.loss.rgbBlocks.stream().mapToInt(Integer::intValue).toArray();
        this.totalSteps = config.steps > 0 ? config.steps : (long) config.epochs * data.batchesPerEpoch();
    }

    /** The objective built from the config (tests compare the trainer's gradients against it). */
    UnivObjective objective() {
        return objective;
    }

    public LoRA.Report loraReport() {
        return loraReport;
    }

    public long totalSteps() {
        return totalSteps;
    }

    public long step() {
        return step;
    }

    public Backbone student() {
        return student;
    }

    /**
     * Data-parallel training: how this worker's gradients and loss terms become the global ones (default
     * {@link GradientReducer#IDENTITY}).
     */
    public void setGradientReducer(GradientReducer reducer) {
        this.reducer = java.util.Objects.requireNonNull(reducer, "reducer");
    }

    /** Loss terms of one step, read back to the host. */
    public record StepLoss(double total, double ir, double rgb) {
        public boolean finite() {
            return Double.isFinite(total) && Double.isFinite(ir) && Double.isFinite(rgb);
        }
    }

    /** Learning rate used at {@code step}. */
    public double learningRate(long at) {
        long warmup = config.optim.warmupSteps > 0 ? config.optim.warmupSteps
                : Math.round(config.optim.warmupEpochs * data.batchesPerEpoch());
        return Schedules.learningRate(config.peakLr(), config.optim.minLr, warmup, at, totalSteps,
                "cosine".equals(config.optim.schedule));
    }

    public double weightDecay(long at) {
        return Schedules.cosine(config.optim.weightDecay, config.optim.weightDecayEnd, at, totalSteps);
    }

    /** Trains until {@code totalSteps}, checkpointing every {@code checkpoint_every} steps and at the end. */
    public void run(StepListener listener) {
        try {
            Files.createDirectories(runDir.resolve("checkpoints"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create run folder " + runDir + ": " + e.getMessage(), e);
        }
        Path metrics = runDir.resolve("metrics.jsonl");
        truncateMetrics(metrics, step);
        long started = System.nanoTime();
        long firstStep = step;
        try (BufferedWriter out = Files.newBufferedWriter(metrics, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            while (step < totalSteps) {
                double lr = learningRate(step);
                double wd = weightDecay(step);
                StepLoss loss = trainStep(lr, wd);
                step++;
                out.write(metricsLine(loss, lr, wd));
                out.newLine();
                out.flush();
                double seconds = (System.nanoTime() - started) / 1e9;
                double pairsPerSecond = (step - firstStep) * config.batch / Math.max(seconds, 1e-9);
                if (listener != null) {
                    listener.onStep(new StepListener.StepInfo(step, totalSteps, loss.total(), loss.ir(), loss.rgb(),
                            lr, wd, pairsPerSecond, seconds));
                }
                if (step % config.checkpointEvery == 0 || step == totalSteps) {
                    saveCheckpoint();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + metrics + ": " + e.getMessage()
                    + " (disk full?) — last checkpoint: " + lastCheckpoint, e);
        }
    }

    /** One optimiser step; returns the (global) loss terms. */
    StepLoss trainStep(double lr, double weightDecay) {
        // dropout masks are a function of (seed, replica, step, layer): resume is exact
        dropoutMasks.reseed(reducer.replica() == 0 ? config.seed : config.seed ^ Long.rotateLeft(reducer.replica(), 32),
                step);
        StepLoss local = computeGradients();
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> localGrads = new LinkedHashMap<>();
            trainable.forEach((name, p) -> localGrads.put(name, p.array().getGradient()));
            try {
                Map<String, NDArray> grads = new LinkedHashMap<>(localGrads);
                StepLoss loss = reducer.reduce(local, grads);
                if (!loss.finite()) { // checked on the global loss: every worker stops at the same step
                    throw nonFinite(loss);
                }
                update(grads, lr, weightDecay);
                return loss;
            } finally {
                localGrads.values().forEach(g -> g.muli(0f)); // libtorch accumulates .grad
            }
        }
    }

    /**
     * Forward and backward on this worker's batch: leaves the gradient of every LoRA factor in its {@code .grad}.
     * The objective is an IR part plus an RGB part, so with {@code split_passes} the student sees the IR images and
     * then the RGB images, each pass back-propagated (and its graph freed) before the next: the same gradient as one
     * pass over [RGB; IR] (tested) with half the activations alive. Measured in session 9 at 224 px / B 16: peak RSS
     * of the step 2.53–2.59 → 1.56–1.57 GB, same speed; at 112 px / B 16 ≈ 9 % slower, hence {@code auto}.
     */
    private StepLoss computeGradients() {
        try (NDManager stepManager = manager.newSubManager(); NDScope scope = new NDScope()) {
            NDList batch = data.next(stepManager);
            NDArray rgb = batch.get(0);                                       // [B, 3, S, S]
            NDArray ir = batch.get(1);                                        // [B, 3, S, S]
            long b = rgb.getShape().get(0);
            BackboneOutput t = teacher.forward(rgb, rgbBlocks);               // frozen: records no graph
            NDArray targets = objective.targets(t.patchTokens(), t.lastAttention(), t.prefixTokens()); // [B, N, N]
            try (ThreadAutograd autograd = new ThreadAutograd()) { // per thread: parallel trainers may share a JVM
                if (!config.splitPasses(b * t.patchTokens().getShape().get(1))) {
                    float[] joint = backwardParts(autograd, () -> {                  // {IR term, RGB term, total}
                        BackboneOutput s = student.forward(rgb.concat(ir, 0), rgbBlocks); // [2B, N, D]
                        return List.of(objective.irPart(t.patchTokens(), targets, s.patchTokens().get(b + ":")),
                                objective.rgbPart(t.patchTokens(), targets, s.patchTokens().get("0:" + b),
                                        t.blockTokens(), s.blockTokens().stream().map(x -> x.get("0:" + b)).toList()));
                    });
                    return new StepLoss(joint[2], joint[0], joint[1]);
                }
                float[] irLoss = backwardParts(autograd, () -> List.of(objective.irPart(t.patchTokens(), targets,
                        student.forward(ir).patchTokens())));                                    // [B, N, D]
                float[] rgbLoss = backwardParts(autograd, () -> {
                    BackboneOutput s = student.forward(rgb, rgbBlocks);
                    return List.of(objective.rgbPart(t.patchTokens(), targets, s.patchTokens(), t.blockTokens(),
                            s.blockTokens()));
                });
                // a non-finite loss stops the run after the reducer (all workers together)
                return new StepLoss((double) irLoss[1] + rgbLoss[1], irLoss[0], rgbLoss[0]);
            }
        }
    }

    /**
     * One student pass and the backward of its parts' weighted sum, inside a scope that frees its activations.
     * Returns each part's term, then the weighted sum.
     */
    private static float[] backwardParts(ThreadAutograd autograd, Supplier<List<UnivObjective.Part>> pass) {
        try (NDScope passScope = new NDScope()) {
            List<UnivObjective.Part> parts = pass.get();
            float[] values = new float[parts.size() + 1];
            NDArray weighted = parts.get(0).weighted();
            for (int i = 0; i < parts.size(); i++) {
                values[i] = parts.get(i).term().getFloat();
                if (i > 0) {
                    weighted = weighted.add(parts.get(i).weighted());
                }
            }
            values[parts.size()] = weighted.getFloat();
            if (Float.isFinite(values[parts.size()])) {
                autograd.backward(weighted);
            }
            return values;
        }
    }

    /** Per-tensor clipping (in place) and AdamW. */
    private void update(Map<String, NDArray> grads, double lr, double weightDecay) {
        if (config.optim.clip > 0) {
            for (NDArray g : grads.values()) {
                double norm = g.norm().getFloat();
                double coef = config.optim.clip / (norm + 1e-6);
                if (coef < 1) {
                    g.muli((float) coef);
                }
            }
        }
        optimizer.step(trainable, grads, lr, weightDecay);
    }

    private NonFiniteLossException nonFinite(StepLoss loss) {
        return new NonFiniteLossException(String.format(Locale.ROOT,
                "loss is not finite at step %d (total %s, IR PCCL %s, RGB %s term %s); the run stopped. Last good"
                        + " checkpoint: %s. Resume from it with a lower lr (optim.lr) or check the inputs of this step.",
                step + 1, loss.total(), loss.ir(), config.loss.rgb, loss.rgb(),
                lastCheckpoint == null ? "none yet" : lastCheckpoint));
    }

    private String metricsLine(StepLoss loss, double lr, double wd) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("loss", loss.total());
        m.put("loss_ir", loss.ir());
        m.put("loss_rgb", loss.rgb());
        m.put("lr", lr);
        m.put("wd", wd);
        m.put("data", data.position());
        try {
            return JSON.writeValueAsString(m);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** On resume, drop metric lines past the checkpoint so the file matches an uninterrupted run. */
    private static void truncateMetrics(Path metrics, long upTo) {
        if (!Files.exists(metrics)) {
            return;
        }
        try {
            List<String> kept = Files.readAllLines(metrics).stream().filter(l -> {
                try {
                    return JSON.readTree(l).path("step").asLong() <= upTo;
                } catch (IOException e) {
                    return false; // a half-written last line from a killed run
                }
            }).toList();
            Files.write(metrics, kept);
        } catch (IOException e) {
            throw new IllegalStateException("cannot rewrite " + metrics + ": " + e.getMessage(), e);
        }
    }

    // ---- checkpoints ----

    public Path saveCheckpoint() {
        Path file = TrainCheckpoint.save(runDir.resolve("checkpoints"), step, trainable, optimizer, data.position(),
                config, config.keepCheckpoints);
        lastCheckpoint = file;
        LOG.debug("checkpoint {}", file);
        return file;
    }

    /** Continues from the newest loadable checkpoint in the run folder (or a given checkpoint file). */
    public void resume(Path runOrCheckpoint) {
        TrainCheckpoint.State s = TrainCheckpoint.loadLatest(runOrCheckpoint, manager);
        try {
            for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
                NDArray v = s.lora().get(e.getKey());
                if (v == null) {
                    throw new IllegalStateException(s.file() + " has no LoRA tensor " + e.getKey()
                            + ": it was written for another model or LoRA setting");
                }
                e.getValue().copyFrom(v);
            }
            optimizer.load(s.optimizer(), s.adamSteps());
            data.seek(s.dataPosition());
            step = s.step();
            lastCheckpoint = s.file();
        } finally {
            s.close();
        }
    }

    /** Merges the adapters into the student and writes it with metadata (timm/ConvMAE names). */
    public Path exportStudent(Path file) {
        LoRA.merge(student.module());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("univ_role", "student");
        meta.put("univ_teacher", config.teacher);
        meta.put("univ_steps", Long.toString(step));
        meta.put("univ_size", String.valueOf(config.sizeValue()));
        meta.put("univ_ir_mean", Float.toString(config.data.irMean));
        meta.put("univ_ir_std", Float.toString(config.data.irStd));
        Weights.save(student, file, meta);
        return file;
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
    }
}
