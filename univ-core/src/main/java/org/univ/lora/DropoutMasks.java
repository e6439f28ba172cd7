package org.univ.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.univ.util.Tensors;

/**
 * Dropout on LoRA adapter inputs with masks drawn in Java from a seeded generator.
 *
 * <p>libtorch's CPU Bernoulli draw is serial and cost about a third of a pre-training step (48 adapted layers,
 * ~26 M mask values a step at 112 px). Here each 64-bit draw gives two 32-bit uniforms, an element is kept
 * when its uniform is below {@code keep · 2³²} (exact to 1e-10), masks travel to libtorch as bytes and are
 * converted there. Masks depend only on (seed, step, layer, call), not on the thread count, so a resumed run
 * draws the same masks.
 * (Drawing the next step's masks on a background thread was measured slower: on 2 cores it takes CPU from
 * libtorch.)
 */
public final class DropoutMasks {
    record Request(int layer, int call, int size, float rate) {}

    private long stepSeed;
    private boolean seeded;
    /** How often each layer drew a mask in this step (a layer may run twice, e.g. on two batches). */
    private final java.util.Map<Integer, Integer> calls = new java.util.HashMap<>();

    /** Starts the masks of one step; without a call, adapters fall back to libtorch's dropout. */
    public void reseed(long runSeed, long step) {
        stepSeed = new SplittableRandom(runSeed * 0x9E3779B97F4A7C15L + step).nextLong();
        seeded = true;
        calls.clear();
    }

    public boolean isSeeded() {
        return seeded;
    }

    /**
     * {@code x ⊙ mask} with a fresh 0/1 mask for {@code layer} in this step, NOT yet divided by the keep
     * probability: callers fold {@code 1/keep} into the scale they apply anyway (one pass less over the data).
     * Autograd-safe: the mask is libtorch-owned (see {@link Tensors}).
     */
    public NDArray apply(NDArray x, float rate, int layer) {
        if (!seeded) { // libtorch's generator, unscaled as well
            return x.mul(x.getManager().randomUniform(0, 1, x.getShape()).gte(rate));
        }
        Shape shape = x.getShape();
        int call = calls.merge(layer, 1, Integer::sum) - 1;
        int n = Math.toIntExact(shape.size());
        ByteBuffer bits = Tensors.staging(n); // reused: a direct buffer per mask would only be freed by a GC
        draw(bits, stepSeed, new Request(layer, call, n, rate), true);
        NDArray mask;
        try (NDArray raw = x.getManager().create(bits, shape, DataType.UINT8)) { // 1 byte a value across JNI
            mask = raw.toType(DataType.BOOLEAN, false); // a new libtorch-owned tensor (see Tensors)
        }
        // where(), not x·float-mask: autograd keeps the 1-byte mask for backward instead of a 4-byte copy
        // (≈ 340 MB less at 224 px / B 16, 48 adapted layers)
        try (NDArray zero = Tensors.scalar(x, 0)) {
            return ai.djl.ndarray.NDArrays.where(mask, x, zero);
        }
    }

    /** Values per independently seeded chunk: a multiple of 8, fixed so masks do not depend on the thread count. */
    static final int CHUNK = 1 << 16;

    /**
     * Writes the 0/1 bytes of one mask into {@code bits}: a pure function of (step seed, layer, call, size, rate).
     * Chunks are drawn in parallel (libtorch is idle meanwhile, so this takes no CPU from it); one thread took
     * 53 ms a step at 112 px / B 16, and the student forward got ≈ 30 ms faster with two.
     */
    static void draw(ByteBuffer bits, long stepSeed, Request r, boolean parallel) {
        int n = r.size();
        bits.order(ByteOrder.LITTLE_ENDIAN);
        long maskSeed = stepSeed ^ (r.layer() * 0xBF58476D1CE4E5B9L) ^ (r.call() * 0x94D049BB133111EBL);
        long threshold = (long) Math.floor((1.0 - r.rate()) * (1L << 32));
        int chunks = (n + CHUNK - 1) / CHUNK;
        IntStream range = IntStream.range(0, chunks);
        (parallel && chunks > 1 ? range.parallel() : range).forEach(c -> drawChunk(bits, c * CHUNK,
                Math.min(n, (c + 1) * CHUNK), new SplittableRandom(maskSeed + c * 0x9E3779B97F4A7C15L), threshold));
    }

    /** Bytes {@code [from, to)}: 1 where a 32-bit uniform falls below {@code threshold}; absolute puts only. */
    private static void drawChunk(ByteBuffer bits, int from, int to, SplittableRandom rng, long threshold) {
        int i = from;
        for (; i + 8 <= to; i += 8) { // eight mask bytes per write, two 32-bit uniforms per draw
            long word = 0;
            for (int k = 0; k < 8; k += 2) {
                long u = rng.nextLong();
                word |= kept(u >>> 32, threshold) << (8 * k);
                word |= kept(u & 0xFFFFFFFFL, threshold) << (8 * (k + 1));
            }
            bits.putLong(i, word);
        }
        for (; i < to; i++) {
            bits.put(i, (byte) kept(rng.nextLong() >>> 32, threshold));
        }
    }

    /** 1 when {@code uniform < threshold} (both in [0, 2³²]), without a branch: the sign bit of the difference. */
    private static long kept(long uniform, long threshold) {
        return (uniform - threshold) >>> 63;
    }
}
