/**
 * Pairs from disk to batches (METHOD §5).
 * <pre>{@code
 * PairIndex index = PairIndex.open("data/roadscene", "data/msrs:data/msrs/train.txt");   // throws if unusable
 * CoAugment augment = CoAugment.builder().setSize(112)
 *         .optCropRatioMode(CoAugment.CropRatioMode.SQRT)        // the reference recipe; UNIFORM is METHOD §5
 *         .build();
 * try (PairLoader loader = PairLoader.builder().setIndex(index).setAugment(augment).setBatchSize(16)
 *         .optSeed(seed).optStart(PairLoader.Position.parse(savedPosition)).build()) {
 *     for (int step = 0; step < steps; step++) {
 *         Batch batch = loader.next();                           // decoding errors surface here, naming the file
 *         try (NDManager sub = manager.newSubManager()) {
 *             NDArray rgb = batch.rgb(sub);                      // [B, 3, S, S]
 *             NDArray ir = batch.ir(sub);                        // [B, 3, S, S]
 *             ...
 *         }
 *         metadata.put("loader.position", loader.position().format());  // resume: exactly the next batch
 *     }
 * }
 * }</pre>
 * {@link org.univ.data.DataCheck} is the report behind {@code univ data check}; {@link org.univ.data.ImageDecoder}
 * turns files into planes (8/16-bit, TIFF); {@link org.univ.data.Images} resizes and normalises.
 */
package org.univ.data;
