package org.univ.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.univ.data.CoAugment;
import org.univ.data.ImageCache;
import org.univ.data.IrScaling;
import org.univ.data.PairIndex;
import org.univ.data.PairLoader;
import org.univ.util.ConfigException;

/** The trainer's {@link BatchSource} over real pairs on disk: {@link PairLoader} configured from a {@link PretrainConfig}. */
public final class PairBatches implements BatchSource {
    private final PairLoader loader;

    public PairBatches(PairLoader loader) {
        this.loader = loader;
    }

    /** Opens every data root of the config (failing on unusable ones, naming them) with its augmentation. */
    public static PairBatches fromConfig(PretrainConfig cfg) {
        return fromConfig(cfg, 0, 1);
    }

    /**
     * As {@link #fromConfig(PretrainConfig)} for worker {@code shard} of {@code shards} in data-parallel training:
     * each {@link #next} is that worker's equal share of the config's (global) batch, see {@link PairLoader.Builder#optShard}.
     */
    public static PairBatches fromConfig(PretrainConfig cfg, int shard, int shards) {
        List<String> roots = new ArrayList<>();
        cfg.data.roots.forEach(r -> roots.add(r.replace("${shared}", org.univ.util.SharedData.root().toString())));
        PairIndex index = PairIndex.open(roots.toArray(String[]::new));
        CoAugment augment = CoAugment.builder().setSize(cfg.size, cfg.height())
                .optCropScale(cfg.augment.cropMin, cfg.augment.cropMax)
                .optCropRatioMode(CoAugment.CropRatioMode.parse(cfg.augment.cropRatio))
                .optFlipProbability(cfg.augment.flip)
                .optRgbNormalization(cfg.data.rgbMean, cfg.data.rgbStd)
                .optIrNormalization(new float[] {cfg.data.irMean, cfg.data.irMean, cfg.data.irMean},
                        new float[] {cfg.data.irStd, cfg.data.irStd, cfg.data.irStd})
                .optIrScaling(IrScaling.parse(cfg.data.ir16bit))
                .build();
        if (cfg.batch % shards != 0) {
            throw new ConfigException("batch " + cfg.batch + " cannot be split into " + shards
                    + " equal shards: set batch to a multiple of the number of workers");
        }
        if (index.size() < cfg.batch) {
            throw new ConfigException("only " + index.size() + " pairs in " + cfg.data.roots + ", fewer than batch " + cfg.batch);
        }
        return new PairBatches(PairLoader.builder().setIndex(index).setAugment(augment).setBatchSize(cfg.batch)
                .optSeed(cfg.seed).optShard(shard, shards).optWorkers(cfg.data.workers).optPrefetch(cfg.data.prefetch)
                .optSkipBad(cfg.data.skipBad)
                .optCache(cfg.data.cacheMb < 0 ? ImageCache.defaultBudget() : new ImageCache(cfg.data.cacheMb << 20))
                .build());
    }

    @Override
    public NDList next(NDManager manager) {
        org.univ.data.Batch batch = loader.next();
        NDList arrays = batch.toNDList(manager); // copies: the batch's buffers can be reused at once
        loader.recycle(batch);
        return arrays;
    }

    @Override
    public Map<String, Long> position() {
        PairLoader.Position p = loader.position();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("epoch", p.epoch());
        m.put("batch", (long) p.batch());
        return m;
    }

    @Override
    public void seek(Map<String, Long> position) {
        loader.seek(new PairLoader.Position(position.get("epoch"), position.get("batch").intValue()));
    }

    @Override
    public int batchesPerEpoch() {
        return loader.batchesPerEpoch();
    }

    public PairLoader loader() {
        return loader;
    }

    @Override
    public void close() {
        loader.close();
    }
}
