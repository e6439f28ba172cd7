package org.univ.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cross-modal alignment sums and counts over any number of batches (METHOD.md §7); add batches with
 * {@link #plus}, read means with the accessors. A mean over nothing is NaN (and null in {@link #toMap}).
 *
 * @param images             images seen
 * @param pcclSum            Σ over batches of (batch PCCL loss × batch images)
 * @param rows               query patches seen (B·N summed)
 * @param apRows             rows that have at least one positive (the ones AP is averaged over)
 * @param apSum              Σ of per-row average precision over those rows
 * @param positives          Σ of positives over all rows
 * @param top1Hits           rows whose most similar anchor is the co-located patch
 * @param neighbourhoodHits  rows whose most similar anchor lies in the 3×3 neighbourhood of the co-located patch
 * @param colocatedCosineSum Σ cos(q_i, t_i)
 * @param otherCosineSum     Σ cos(q_i, t_j), i ≠ j
 * @param otherPairs         number of i ≠ j pairs (B·N·(N−1) summed)
 */
public record AlignmentMetrics(long images, double pcclSum, long rows, long apRows, double apSum, double positives,
                               long top1Hits, long neighbourhoodHits, double colocatedCosineSum,
                               double otherCosineSum, long otherPairs) {

    public static AlignmentMetrics empty() {
        return new AlignmentMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Sums of both. */
    public AlignmentMetrics plus(AlignmentMetrics o) {
        return new AlignmentMetrics(images + o.images, pcclSum + o.pcclSum, rows + o.rows, apRows + o.apRows,
                apSum + o.apSum, positives + o.positives, top1Hits + o.top1Hits,
                neighbourhoodHits + o.neighbourhoodHits, colocatedCosineSum + o.colocatedCosineSum,
                otherCosineSum + o.otherCosineSum, otherPairs + o.otherPairs);
    }

    /** Held-out PCCL loss, mean over images. */
    public double pccl() {
        return mean(pcclSum, images);
    }

    /** Positives-mAP: mean AP of retrieving each row's pseudo-label positives, rows without positives skipped. */
    public double positivesMap() {
        return mean(apSum, apRows);
    }

    /** Rows without any positive (skipped by the mAP). */
    public long rowsWithoutPositives() {
        return rows - apRows;
    }

    /** Mean number of positives per row. */
    public double positivesPerRow() {
        return mean(positives, rows);
    }

    /** Fraction of rows whose nearest anchor is the co-located patch. */
    public double top1() {
        return mean(top1Hits, rows);
    }

    /** Fraction of rows whose nearest anchor is within one row and one column of the co-located patch. */
    public double neighbourhood3x3() {
        return mean(neighbourhoodHits, rows);
    }

    /** Mean cosine of co-located pairs (i = j). */
    public double colocatedCosine() {
        return mean(colocatedCosineSum, rows);
    }

    /** Mean cosine of all other pairs (i ≠ j). */
    public double otherCosine() {
        return mean(otherCosineSum, otherPairs);
    }

    /** Means and counts by name, for JSON (undefined means are null, since JSON has no NaN). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pccl", finiteOrNull(pccl()));
        m.put("positives_map", finiteOrNull(positivesMap()));
        m.put("top1", finiteOrNull(top1()));
        m.put("neighbourhood_3x3", finiteOrNull(neighbourhood3x3()));
        m.put("cosine_colocated", finiteOrNull(colocatedCosine()));
        m.put("cosine_other", finiteOrNull(otherCosine()));
        m.put("positives_per_row", finiteOrNull(positivesPerRow()));
        m.put("images", images);
        m.put("rows", rows);
        m.put("rows_without_positives", rowsWithoutPositives());
        return m;
    }

    private static double mean(double sum, long count) {
        return count == 0 ? Double.NaN : sum / count;
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
