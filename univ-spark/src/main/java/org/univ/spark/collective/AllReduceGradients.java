package org.univ.spark.collective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Map;
import org.univ.train.GradientReducer;
import org.univ.train.Trainer;
import org.univ.util.Tensors;

/**
 * Data-parallel gradients: every worker's LoRA gradients and loss terms travel as one flat float buffer through a
 * collective SUM all-reduce, then are divided by the number of workers. Shards are equal and the losses are
 * per-image means, so the result is the gradient (and loss) of the whole batch, identical on every worker.
 * The buffer is the thread's reused staging buffer (no direct allocation per step).
 */
public final class AllReduceGradients implements GradientReducer {
    private final Collective collective;
    private long reduceNanos;
    private long reductions;

    public AllReduceGradients(Collective collective) {
        this.collective = collective;
    }

    @Override
    public int replica() {
        return collective.rank();
    }

    @Override
    public Trainer.StepLoss reduce(Trainer.StepLoss local, Map<String, NDArray> gradients) {
        int count = 3;
        for (NDArray g : gradients.values()) {
            count = Math.addExact(count, Math.toIntExact(g.size()));
        }
        ByteBuffer buffer = Tensors.staging(4L * count);
        FloatBuffer floats = buffer.asFloatBuffer();
        for (NDArray g : gradients.values()) {
            floats.put(g.toFloatArray());
        }
        floats.put((float) local.total()).put((float) local.ir()).put((float) local.rgb());

        long t0 = System.nanoTime();
        collective.allReduceSum(buffer, count);
        reduceNanos += System.nanoTime() - t0;
        reductions++;

        float[] mean = new float[count];
        buffer.asFloatBuffer().get(mean);
        float workers = collective.worldSize();
        for (int i = 0; i < count; i++) {
            mean[i] /= workers;
        }
        NDManager manager = gradients.values().iterator().next().getManager();
        NDArray flat = Tensors.fromFloats(manager, mean, new Shape(count)); // libtorch-owned, in the caller's scope
        long offset = 0;
        for (Map.Entry<String, NDArray> e : gradients.entrySet()) {
            Shape shape = e.getValue().getShape();
            e.setValue(flat.get(new NDIndex("{}:{}", offset, offset + shape.size())).reshape(shape));
            offset += shape.size();
        }
        return new Trainer.StepLoss(mean[count - 3], mean[count - 2], mean[count - 1]);
    }

    /** Mean wall time of one all-reduce so far, in ms (the collective's share of a step). */
    public double meanReduceMillis() {
        return reductions == 0 ? 0 : reduceNanos / 1e6 / reductions;
    }
}
