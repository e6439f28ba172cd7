package org.univ.segment;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.univ.data.DataException;
import org.univ.eval.SegMetrics;
import org.univ.model.Backbone;
import org.univ.model.Backbones;

/**
 * Teacher vs UNIV student on segmentation (METHOD §7): the same head, schedule and seeds trained on each backbone and
 * each modality (train ids), scored on the val ids; per (backbone, modality) the metrics of every seed, their mean and
 * standard deviation, and the paired difference student − teacher over seeds. Every run loads its backbone afresh
 * (fine-tuning changes it in place). Data: a root with {@code vi/}, {@code ir/}, {@code mask/}, {@code classes.txt},
 * {@code train.txt}, {@code val.txt}, as {@code univ data synth} writes it (or other ids / masks / label maps).
 */
public final class SegTransfer {
    public static final String TEACHER = "teacher";
    public static final String STUDENT = "student";

    /** One trained and scored head. */
    public record Run(String backbone, Modality modality, long seed, SegMetrics.Result result, double trainSeconds) {}

    /** Mean and (sample) standard deviation over seeds; sd 0 for one seed. */
    public record Spread(double mean, double sd, int n) {
        static Spread of(List<Double> v) {
            double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
            return new Spread(mean, v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : 0, v.size());
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mean", Double.isFinite(mean) ? mean : null);
            m.put("sd", Double.isFinite(sd) ? sd : null);
            m.put("n", n);
            return m;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.2f ± %.2f", 100 * mean, 100 * sd);
        }
    }

    /** Every run, with summaries. */
    public record Result(List<Run> runs, SegClasses classes) {
        public List<Run> runs(String backbone, Modality modality) {
            return runs.stream().filter(r -> r.backbone().equals(backbone) && r.modality() == modality).toList();
        }

        /** mIoU, aAcc or mAcc of one (backbone, modality) over seeds. */
        public Spread spread(String backbone, Modality modality, String metric) {
            return Spread.of(runs(backbone, modality).stream().map(r -> value(r.result(), metric)).toList());
        }

        /** Student − teacher per seed (runs paired by seed), over seeds. */
        public Spread difference(Modality modality, String metric) {
            List<Double> d = new ArrayList<>();
            for (Run s : runs(STUDENT, modality)) {
                runs(TEACHER, modality).stream().filter(t -> t.seed() == s.seed()).findFirst()
                        .ifPresent(t -> d.add(value(s.result(), metric) - value(t.result(), metric)));
            }
            return Spread.of(d);
        }

        public List<Modality> modalities() {
            return runs.stream().map(Run::modality).distinct().toList();
        }

        /** A text table: per modality and backbone mIoU / aAcc / mAcc (mean ± sd over seeds, ×100) and student − teacher. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%-9s %-8s %16s %16s %16s%n", "modality", "backbone", "mIoU", "aAcc", "mAcc"));
            for (Modality m : modalities()) {
                for (String b : List.of(TEACHER, STUDENT)) {
                    if (!runs(b, m).isEmpty()) {
                        sb.append(String.format(Locale.ROOT, "%-9s %-8s %16s %16s %16s%n", m.label(), b,
                                spread(b, m, "mIoU"), spread(b, m, "aAcc"), spread(b, m, "mAcc")));
                    }
                }
                if (!runs(TEACHER, m).isEmpty() && !runs(STUDENT, m).isEmpty()) {
                    sb.append(String.format(Locale.ROOT, "%-9s %-8s %16s %16s %16s%n", m.label(), "S - T",
                            difference(m, "mIoU"), difference(m, "aAcc"), difference(m, "mAcc")));
                }
            }
            return sb.toString();
        }

        public Map<String, Object> toMap() {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("classes", classes.names());
            Map<String, Object> byModality = new LinkedHashMap<>();
            for (Modality m : modalities()) {
                Map<String, Object> mm = new LinkedHashMap<>();
                for (String b : List.of(TEACHER, STUDENT)) {
                    List<Run> rs = runs(b, m);
                    if (rs.isEmpty()) {
                        continue;
                    }
                    Map<String, Object> bm = new LinkedHashMap<>();
                    for (String metric : METRICS) {
                        bm.put(metric, spread(b, m, metric).toMap());
                    }
                    List<Map<String, Object>> seeds = new ArrayList<>();
                    for (Run r : rs) {
                        Map<String, Object> one = new LinkedHashMap<>();
                        one.put("seed", r.seed());
                        one.putAll(SegEvaluation.toMap(r.result(), classes));
                        one.put("train_seconds", r.trainSeconds());
                        seeds.add(one);
                    }
                    bm.put("seeds", seeds);
                    mm.put(b, bm);
                }
                if (mm.containsKey(TEACHER) && mm.containsKey(STUDENT)) {
                    Map<String, Object> diff = new LinkedHashMap<>();
                    for (String metric : METRICS) {
                        diff.put(metric, difference(m, metric).toMap());
                    }
                    mm.put("student_minus_teacher", diff);
                }
                byModality.put(m.label(), mm);
            }
            root.put("modalities", byModality);
            return root;
        }
    }

    private static final List<String> METRICS = List.of("mIoU", "aAcc", "mAcc");

    static double value(SegMetrics.Result r, String metric) {
        switch (metric) {
            case "mIoU": return r.mIoU();
            case "aAcc": return r.aAcc();
            case "mAcc": return r.mAcc();
            default: throw new IllegalArgumentException("unknown metric " + metric + " (mIoU, aAcc, mAcc)");
        }
    }

    private final Map<String, Path> backbones;
    private final Path root;
    private final Path trainIds;
    private final Path valIds;
    private final List<Modality> modalities;
    private final long[] seeds;
    private final SegTrainer.Builder trainer;
    private final Path masks;
    private final LabelMap labelMap;
    private final SegClasses classes;

    private SegTransfer(Builder b) {
        backbones = new LinkedHashMap<>();
        backbones.put(TEACHER, b.teacher);
        if (b.student != null) {
            backbones.put(STUDENT, b.student);
        }
        root = b.root;
        trainIds = b.trainIds != null ? b.trainIds : b.root.resolve("train.txt");
        valIds = b.valIds != null ? b.valIds : b.root.resolve("val.txt");
        modalities = List.copyOf(b.modalities);
        seeds = b.seeds.clone();
        trainer = b.trainer;
        masks = b.masks;
        labelMap = b.labelMap;
        classes = b.classes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Trains and scores every (backbone, modality, seed); {@code log} gets one line per run. */
    public Result run(Consumer<String> log) {
        for (Path ids : List.of(trainIds, valIds)) {
            if (!Files.isRegularFile(ids)) {
                throw new DataException("ids file " + ids + " does not exist (one image id per line; "
                        + "'univ data synth' writes train.txt and val.txt)");
            }
        }
        List<Run> runs = new ArrayList<>();
        SegClasses names = null;
        for (Modality modality : modalities) {
            SegDataset train = dataset(modality, trainIds);
            SegDataset val = dataset(modality, valIds);
            names = train.classes();
            for (Map.Entry<String, Path> b : backbones.entrySet()) {
                for (long seed : seeds) {
                    SegTrainer t = trainer.optSeed(seed).build();
                    try (NDManager m = NDManager.newBaseManager(); Backbone backbone = Backbones.load(b.getValue(), m, true)) {
                        SegTrainer.Trained trained = t.train(backbone, train, m, null);
                        try (SegHead head = trained.head();
                             UnivSegmentation model = UnivSegmentation.of(backbone, head, trained.info())) {
                            SegMetrics.Result r = SegEvaluation.evaluate(model, val, null);
                            runs.add(new Run(b.getKey(), modality, seed, r, trained.seconds()));
                            if (log != null) {
                                log.accept(String.format(Locale.ROOT, "%s %s seed %d (%s): mIoU %.2f aAcc %.2f mAcc %.2f,"
                                                + " trained in %.1f s", b.getKey(), modality.label(), seed, t.protocol().label(),
                                        100 * r.mIoU(), 100 * r.aAcc(), 100 * r.mAcc(), trained.seconds()));
                            }
                        }
                    }
                }
            }
        }
        return new Result(runs, names);
    }

    private SegDataset dataset(Modality modality, Path ids) {
        SegDataset.Builder b = SegDataset.builder().setRoot(root).optIds(ids).setModality(modality).optLabelMap(labelMap);
        if (masks != null) {
            b.optMasks(masks);
        }
        if (classes != null) {
            b.optClasses(classes);
        }
        return b.load();
    }

    /**
     * Required: {@link #setTeacher}, {@link #setData}, {@link #setTrainer}. Defaults: train/val ids
     * {@code <root>/train.txt}, {@code <root>/val.txt}; modalities IR then RGB; seeds 0, 1, 2.
     */
    public static final class Builder {
        private Path teacher;
        private Path student;
        private Path root;
        private Path trainIds;
        private Path valIds;
        private List<Modality> modalities = List.of(Modality.IR, Modality.RGB);
        private long[] seeds = {0, 1, 2};
        private SegTrainer.Builder trainer;
        private Path masks;
        private LabelMap labelMap = LabelMap.identity();
        private SegClasses classes;

        public Builder setTeacher(Path v) { teacher = v; return this; }
        /** The UNIV student; without it only the teacher is trained. */
        public Builder optStudent(Path v) { student = v; return this; }
        public Builder setData(Path v) { root = v; return this; }
        public Builder optTrainIds(Path v) { trainIds = v; return this; }
        public Builder optValIds(Path v) { valIds = v; return this; }
        public Builder optModalities(List<Modality> v) { modalities = v; return this; }
        public Builder optSeeds(long... v) { seeds = v.clone(); return this; }
        /** Head, schedule and protocol for every run; its seed is set per run. */
        public Builder setTrainer(SegTrainer.Builder v) { trainer = v; return this; }
        public Builder optMasks(Path v) { masks = v; return this; }
        public Builder optLabelMap(LabelMap v) { labelMap = v; return this; }
        public Builder optClasses(SegClasses v) { classes = v; return this; }

        public SegTransfer build() {
            if (teacher == null || root == null || trainer == null) {
                throw new IllegalArgumentException("SegTransfer needs setTeacher, setData and setTrainer");
            }
            if (seeds.length == 0 || modalities.isEmpty()) {
                throw new IllegalArgumentException("SegTransfer needs at least one seed and one modality");
            }
            return new SegTransfer(this);
        }
    }
}
