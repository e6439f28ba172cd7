package org.univ.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.univ.data.Images.Planes;
import org.univ.downstream.DenseFeatures;
import org.univ.downstream.Modality;
import org.univ.eval.CocoDetection;
import org.univ.eval.CocoGroundTruth;
import org.univ.io.CheckpointException;
import org.univ.io.SafeTensors;
import org.univ.io.StateDict;
import org.univ.lora.LoRA;
import org.univ.lora.LoRAConfig;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.model.Parameter;
import org.univ.model.Weights;
import org.univ.util.Tensors;

/**
 * A backbone and a trained {@link Detector}, ready to find objects in images of one modality: what {@code univ det
 * predict / eval}, the DJL translator and the benchmark use. Images are resized to the configured input size,
 * detections come back in each image's own pixels.
 *
 * <p>Saved as one safetensors file ({@link #save}): the detector's tensors ({@code pyramid.*}, {@code head.*},
 * {@code token_mean}, {@code token_std}), after fine-tuning also the backbone's LoRA factors or, fully fine-tuned, all
 * its weights ({@code backbone.*}); metadata {@code univ_task = detection}, classes, modality, the config YAML and the
 * backbone architecture. {@link #load} rebuilds it from the backbone checkpoint it was trained on plus that file.
 */
public final class DetectionModel implements AutoCloseable {
    public static final String TASK = "detection";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 8;

    private final Backbone backbone;
    private final Detector detector;
    private final DetectionConfig config;
    private final List<CocoGroundTruth.Category> categories;
    private final Modality modality;
    private final DetectionImages images;
    private final CenterNetDecoder decoder;
    private boolean owned;

    /**
     * @param owned close the backbone and detector with this model
     */
    public DetectionModel(Backbone backbone, Detector detector, DetectionConfig config,
                          List<CocoGroundTruth.Category> categories, Modality modality, boolean owned) {
        if (categories.size() != detector.numClasses()) {
            throw new IllegalArgumentException(categories.size() + " categories for a detector of "
                    + detector.numClasses() + " classes");
        }
        this.backbone = backbone;
        this.detector = detector;
        this.config = config;
        this.categories = List.copyOf(categories);
        this.modality = modality;
        this.images = DetectionImages.of(modality, backbone.config());
        this.decoder = new CenterNetDecoder(config);
        this.owned = owned;
    }

    /**
     * The same backbone and head run at another input size (ViT position embeddings are resampled, the head is
     * size-agnostic); ownership of backbone and detector moves to the returned model.
     */
    public DetectionModel withInputSize(int width, int height) {
        DetectionModel m = new DetectionModel(backbone, detector, config.toBuilder().optSize(width, height).build(),
                categories, modality, owned);
        owned = false;
        return m;
    }

    public Backbone backbone() {
        return backbone;
    }

    public Detector detector() {
        return detector;
    }

    public DetectionConfig config() {
        return config;
    }

    public List<CocoGroundTruth.Category> categories() {
        return categories;
    }

    public List<String> classNames() {
        return categories.stream().map(CocoGroundTruth.Category::name).toList();
    }

    public Modality modality() {
        return modality;
    }

    public DetectionImages images() {
        return images;
    }

    /** Detections of decoded images (planes from {@link DetectionImages#decode}), each in its own pixels. */
    public List<List<Detection>> detect(List<Planes> planes) {
        int w = config.width();
        int h = config.height();
        List<List<Detection>> out = new ArrayList<>(planes.size());
        for (int start = 0; start < planes.size(); start += BATCH) {
            int end = Math.min(planes.size(), start + BATCH);
            float[] pixels = new float[(end - start) * 3 * w * h];
            for (int i = start; i < end; i++) {
                System.arraycopy(images.prepare(planes.get(i), w, h), 0, pixels, (i - start) * 3 * w * h, 3 * w * h);
            }
            List<List<Detection>> found;
            try (NDManager m = detector.getManager().newSubManager(); NDScope scope = new NDScope()) {
                found = detect(Tensors.fromFloats(m, pixels, new Shape(end - start, 3, h, w)));
            }
            for (int i = start; i < end; i++) {
                Planes p = planes.get(i);
                double sx = (double) p.width() / w;
                double sy = (double) p.height() / h;
                out.add(found.get(i - start).stream().map(d -> d.scaled(sx, sy)).toList());
            }
        }
        return out;
    }

    /** Detections of one decoded image, in its pixels. */
    public List<Detection> detect(Planes planes) {
        return detect(List.of(planes)).get(0);
    }

    /** Detections for normalised inputs {@code [B, 3, height, width]} at the configured size, in input pixels. */
    public List<List<Detection>> detect(NDArray inputs) {
        try (NDScope scope = new NDScope()) {
            return decode(headOutput(inputs));
        }
    }

    /** Backbone, standardisation and head on normalised inputs {@code [B, 3, height, width]} (arrays join the scope). */
    public CenterNetHead.HeadOutput headOutput(NDArray inputs) {
        return detector.forward(detector.standardize(DenseFeatures.of(backbone.forward(inputs))));
    }

    /** Head maps of inputs at the configured size → detections in input pixels. */
    public List<List<Detection>> decode(CenterNetHead.HeadOutput out) {
        return decoder.decode(out, detector.stride(), config.width(), config.height());
    }

    /** COCO results for every image of a dataset (images decoded here). */
    public List<CocoDetection> predict(DetectionDataset data, IntConsumer progress) {
        List<CocoDetection> out = new ArrayList<>();
        for (int start = 0; start < data.size(); start += BATCH) {
            int end = Math.min(data.size(), start + BATCH);
            List<Planes> batch = new ArrayList<>();
            for (int i = start; i < end; i++) {
                batch.add(images.decode(data.get(i).image()));
            }
            List<List<Detection>> found = detect(batch);
            for (int i = start; i < end; i++) {
                DetectionDataset.Sample s = data.get(i);
                for (Detection d : found.get(i - start)) {
                    out.add(d.toCoco(s.imageId(), data.categoryId(d.classIndex())));
                }
            }
            if (progress != null) {
                progress.accept(end);
            }
        }
        return out;
    }

    // ---- checkpoint ----

    /** What of the backbone a checkpoint carries: nothing (frozen), LoRA factors, or every weight. */
    private String backboneState() {
        if (config.frozen()) {
            return "frozen";
        }
        return config.finetune();
    }

    /** Writes the head (and the fine-tuned part of the backbone) with metadata, atomically. */
    public void save(Path file) {
        Map<String, NDArray> tensors = new LinkedHashMap<>(Weights.tensors(detector));
        String state = backboneState();
        if ("lora".equals(state)) {
            LoRA.loraParameters(backbone.module()).forEach((n, p) -> tensors.put("backbone." + n, p.array()));
        } else if ("full".equals(state)) {
            Weights.tensors(backbone.module()).forEach((n, a) -> tensors.put("backbone." + n, a));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("univ_task", TASK);
        try {
            meta.put("classes", JSON.writeValueAsString(classNames()));
            meta.put("category_ids", JSON.writeValueAsString(categories.stream().map(CocoGroundTruth.Category::id).toList()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        meta.put("modality", modality.key());
        meta.put("width", Integer.toString(config.width()));
        meta.put("height", Integer.toString(config.height()));
        meta.put("backbone_arch", backbone.config().arch());
        meta.put("backbone_state", state);
        meta.put("token_dim", Integer.toString(detector.tokenDim()));
        meta.put("config", config.toYaml());
        SafeTensors.save(file, tensors, meta);
    }

    /** The metadata of a saved head (no tensors loaded), checked to be a detection head. */
    public static Map<String, String> metadata(Path headFile) {
        Map<String, String> meta = SafeTensors.readHeader(headFile).metadata();
        if (!TASK.equals(meta.get("univ_task"))) {
            throw new CheckpointException(headFile + ": not a detection head (metadata univ_task is "
                    + meta.get("univ_task") + "); give the .safetensors written by univ det train");
        }
        return meta;
    }

    /**
     * Loads a backbone checkpoint and a head saved by {@link #save}; the model owns both.
     *
     * @param backboneFile the backbone the head was trained on (a LoRA-fine-tuned head adds its factors to it)
     */
    public static DetectionModel load(Path backboneFile, Path headFile, NDManager manager) {
        Map<String, String> meta = metadata(headFile);
        Backbone backbone = Backbones.load(backboneFile, manager, true);
        try {
            return attach(backbone, headFile, meta, manager, true);
        } catch (RuntimeException e) {
            backbone.close();
            throw e;
        }
    }

    /** A head for an already loaded backbone (which is changed when the head carries LoRA factors or weights). */
    public static DetectionModel load(Backbone backbone, Path headFile, NDManager manager) {
        return attach(backbone, headFile, metadata(headFile), manager, false);
    }

    private static DetectionModel attach(Backbone backbone, Path headFile, Map<String, String> meta, NDManager manager,
                                         boolean owned) {
        String src = headFile.toString();
        DetectionConfig config = DetectionConfig.parse(meta.getOrDefault("config", "{}"), src + " (config)", List.of());
        List<String> names;
        List<Integer> ids;
        try {
            names = JSON.readValue(meta.get("classes"), new TypeReference<List<String>>() { });
            ids = JSON.readValue(meta.get("category_ids"), new TypeReference<List<Integer>>() { });
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new CheckpointException(src + ": unreadable class list in the metadata (" + e.getMessage() + ")");
        }
        List<CocoGroundTruth.Category> categories = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            categories.add(new CocoGroundTruth.Category(ids.get(i), names.get(i)));
        }
        String arch = meta.get("backbone_arch");
        if (arch != null && !arch.equals(backbone.config().arch())) {
            throw new CheckpointException(src + ": the head was trained on a " + arch + " backbone, this one is a "
                    + backbone.config().arch() + "; give the backbone it was trained on");
        }
        Detector detector = Detector.forBackbone(manager, backbone, categories.size(), config);
        try (NDManager tmp = manager.newSubManager()) {
            StateDict sd = SafeTensors.load(headFile, tmp);
            StateDict head = new StateDict();
            StateDict backboneTensors = new StateDict();
            sd.tensors().forEach((n, a) -> (n.startsWith("backbone.") ? backboneTensors : head)
                    .put(n.startsWith("backbone.") ? n.substring("backbone.".length()) : n, a));
            Weights.load(detector, head, true, src);
            String state = meta.getOrDefault("backbone_state", "frozen");
            if ("lora".equals(state)) {
                LoRA.inject(backbone.module(), LoRAConfig.builder().optRank(config.loraRank())
                        .optAlpha((float) config.loraAlpha()).optDropout((float) config.loraDropout()).build(), 0);
                Map<String, Parameter> factors = LoRA.loraParameters(backbone.module());
                for (Map.Entry<String, Parameter> e : factors.entrySet()) {
                    NDArray v = backboneTensors.get(e.getKey());
                    if (v == null) {
                        throw new CheckpointException(src + ": no LoRA factor backbone." + e.getKey()
                                + " (a head fine-tuned on another backbone?)");
                    }
                    e.getValue().copyFrom(v);
                }
                backbone.module().setTrainable(false);
            } else if ("full".equals(state)) {
                Weights.load(backbone.module(), backboneTensors, true, src + " (backbone.*)");
            }
        } catch (RuntimeException e) {
            detector.close();
            throw e;
        }
        backbone.module().setTraining(false);
        Modality modality = Modality.parse(meta.getOrDefault("modality", "rgb"));
        return new DetectionModel(backbone, detector, config, categories, modality, owned);
    }

    /** Checks a head file exists before a long run starts. */
    public static void requireFile(Path headFile) {
        if (!Files.isRegularFile(headFile)) {
            throw new CheckpointException(headFile + ": no such head file (train one with univ det train)");
        }
    }

    @Override
    public void close() {
        if (owned) {
            detector.close();
            backbone.close();
        }
    }
}
