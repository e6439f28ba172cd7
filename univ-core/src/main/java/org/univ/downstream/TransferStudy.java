package org.univ.downstream;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.univ.model.Backbone;

/**
 * Teacher vs UNIV student on one downstream task: the same head, schedule and seeds on both backbones and on both
 * modalities, summarised per backbone × modality as mean ± sd over seeds (sample sd, n − 1), and the paired
 * difference student − teacher per seed (mean ± sd of the per-seed differences: seed spread cancels).
 */
public final class TransferStudy {
    public static final String TEACHER = "teacher";
    public static final String STUDENT = "student";

    private TransferStudy() {}

    /** Mean and sample standard deviation (NaN for one value), and the values themselves. */
    public record Stat(double mean, double sd, List<Double> values) {
        public static Stat of(List<Double> values) {
            int n = values.size();
            double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
            return new Stat(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN, List.copyOf(values));
        }

        public String format() {
            return Double.isNaN(sd) ? String.format(Locale.ROOT, "%.4f", mean)
                    : String.format(Locale.ROOT, "%.4f ± %.4f", mean, sd);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mean", mean);
            m.put("sd", Double.isNaN(sd) ? null : sd);
            m.put("values", values);
            return m;
        }
    }

    /** Everything measured: per backbone, per modality, the task's result. */
    public record Outcome(String task, List<String> metrics, List<Long> seeds,
                          Map<String, Map<Modality, TransferTask.Result>> results) {

        public Stat stat(String backbone, Modality modality, String metric) {
            return Stat.of(results.get(backbone).get(modality).perSeed().stream().map(m -> m.get(metric)).toList());
        }

        /** Student − teacher, seed by seed. */
        public Stat difference(Modality modality, String metric) {
            List<Map<String, Double>> t = results.get(TEACHER).get(modality).perSeed();
            List<Map<String, Double>> s = results.get(STUDENT).get(modality).perSeed();
            List<Double> d = new ArrayList<>();
            for (int i = 0; i < t.size(); i++) {
                d.add(s.get(i).get(metric) - t.get(i).get(metric));
            }
            return Stat.of(d);
        }

        public List<Modality> modalities() {
            return List.copyOf(results.get(TEACHER).keySet());
        }

        /** One row per modality × metric: teacher, student, difference, student / teacher. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%-10s %-8s %-22s %-22s %-24s %s%n", "modality", "metric", "teacher",
                    "UNIV student", "UNIV − teacher (paired)", "student/teacher"));
            for (Modality m : modalities()) {
                for (String metric : metrics) {
                    Stat t = stat(TEACHER, m, metric);
                    Stat s = stat(STUDENT, m, metric);
                    sb.append(String.format(Locale.ROOT, "%-10s %-8s %-22s %-22s %-24s %.3f%n", m.key(), metric,
                            t.format(), s.format(), difference(m, metric).format(), s.mean() / t.mean()));
                }
            }
            return sb.toString();
        }

        /**
         * Task, seeds, metrics, per modality × metric the teacher's and student's mean ± sd and the paired
         * difference, and the pictures of each backbone × modality ({@code teacher_ir}, …) as paths relative to
         * {@code base} (the output folder, so that it can move).
         */
        public Map<String, Object> toMap(Path base) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("task", task);
            out.put("seeds", seeds);
            out.put("metrics", metrics);
            Map<String, Object> table = new LinkedHashMap<>();
            for (Modality m : modalities()) {
                Map<String, Object> perMetric = new LinkedHashMap<>();
                for (String metric : metrics) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put(TEACHER, stat(TEACHER, m, metric).toMap());
                    row.put(STUDENT, stat(STUDENT, m, metric).toMap());
                    row.put("difference", difference(m, metric).toMap());
                    perMetric.put(metric, row);
                }
                table.put(m.key(), perMetric);
            }
            out.put("results", table);
            Map<String, Object> pictures = new LinkedHashMap<>();
            results.forEach((b, byModality) -> byModality.forEach((m, r) ->
                    pictures.put(b + "_" + m.key(), r.pictures().stream().map(p -> relative(base, p)).toList())));
            out.put("pictures", pictures);
            return out;
        }
    }

    private static String relative(Path base, Path file) {
        Path b = base.toAbsolutePath().normalize();
        Path f = file.toAbsolutePath().normalize();
        return (f.startsWith(b) ? b.relativize(f) : f).toString().replace('\\', '/');
    }

    /**
     * Runs the task on teacher and student for every modality, in the order teacher IR, teacher RGB, student IR,
     * student RGB (each backbone loaded through its supplier).
     */
    public static Outcome run(TransferTask task, Supplier<Backbone> teacher, Supplier<Backbone> student,
                              List<Modality> modalities, List<Long> seeds, Path outDir, Consumer<String> log) {
        return run(task, teacher, student, modalities, seeds, outDir, log, null);
    }

    /**
     * As {@link #run(TransferTask, Supplier, Supplier, List, List, Path, Consumer)}, reusing the teacher's results
     * from {@code teacherCache} when present: comparing several students against one teacher then trains the
     * teacher's heads once. Runs are deterministic per seed, so a cached result equals a rerun.
     */
    public static Outcome run(TransferTask task, Supplier<Backbone> teacher, Supplier<Backbone> student,
                              List<Modality> modalities, List<Long> seeds, Path outDir, Consumer<String> log,
                              ResultCache teacherCache) {
        Map<String, Map<Modality, TransferTask.Result>> results = new LinkedHashMap<>();
        Map<String, Supplier<Backbone>> backbones = new LinkedHashMap<>();
        backbones.put(TEACHER, teacher);
        backbones.put(STUDENT, student);
        for (Map.Entry<String, Supplier<Backbone>> b : backbones.entrySet()) {
            Map<Modality, TransferTask.Result> byModality = new LinkedHashMap<>();
            for (Modality m : modalities) {
                long t0 = System.nanoTime();
                boolean cacheable = teacherCache != null && TEACHER.equals(b.getKey());
                TransferTask.Result r = cacheable ? teacherCache.get(m) : null;
                if (r == null) {
                    r = task.run(b.getKey(), b.getValue(), m, seeds, outDir);
                    if (cacheable) {
                        teacherCache.put(m, r);
                    }
                } else if (log != null) {
                    log.accept(task.name() + " " + b.getKey() + " " + m.key() + ": reused " + teacherCache.file(m));
                }
                byModality.put(m, r);
                if (log != null) {
                    log.accept(String.format(Locale.ROOT, "%s %s %s: %s (%.0f s)", task.name(), b.getKey(), m.key(),
                            r.perSeed(), (System.nanoTime() - t0) / 1e9));
                }
            }
            results.put(b.getKey(), byModality);
        }
        return new Outcome(task.name(), task.metrics(), seeds, results);
    }
}
