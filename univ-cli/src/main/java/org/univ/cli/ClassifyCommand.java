package org.univ.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.univ.data.Images;
import org.univ.model.Backbone;
import org.univ.model.Backbones;
import org.univ.util.SharedData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code univ classify}: ImageNet top-k of a ViT with a classifier head. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Top-k ImageNet classes of images (plain resize to --size, the model's normalisation).")
final class ClassifyCommand implements Callable<Integer> {
    @Option(names = "--weights", description = "checkpoint with a classifier head (default: DeiT-Tiny in UNIV_SHARED/models)")
    Path weights;

    @Option(names = "--size", defaultValue = "224", description = "input side in pixels, a multiple of 16 (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--classes", description = "class names, one a line (default: imagenet_classes.txt next to the weights)")
    Path classes;

    @Option(names = "--top", defaultValue = "5", description = "how many classes to print (default ${DEFAULT-VALUE})")
    int top;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "images to classify")
    List<Path> images;

    @Override
    public Integer call() throws IOException {
        Path w = weights != null ? weights : SharedData.teacherWeights();
        Path names = classes != null ? classes : w.toAbsolutePath().getParent().resolve("imagenet_classes.txt");
        List<String> labels = Files.isRegularFile(names) ? Files.readAllLines(names) : List.of();
        try (NDManager manager = NDManager.newBaseManager();
             Backbone model = Backbones.load(w, manager, true)) {
            float[] mean = model.config().mean();
            float[] std = model.config().std();
            for (Path image : images) {
                try (NDScope scope = new NDScope()) {
                    Images.Planes planes = Images.resize(Images.toRgb(Images.read(image)), size, size);
                    NDArray logits = model.forward(Images.normalize(manager, planes, mean, std)).logits();
                    if (logits == null) {
                        throw new IllegalArgumentException(w + " has no classifier head (head.weight); use a classification checkpoint");
                    }
                    float[] p = logits.softmax(-1).toFloatArray();
                    int[] order = argsortDesc(p);
                    System.out.println(image);
                    for (int i = 0; i < Math.min(top, p.length); i++) {
                        int c = order[i];
                        String label = c < labels.size() ? labels.get(c) : "class " + c;
                        System.out.printf(Locale.ROOT, "  %d. %-30s %6.2f%%  (class %d)%n", i + 1, label, 100 * p[c], c);
                    }
                }
            }
        }
        return 0;
    }

    static int[] argsortDesc(float[] v) {
        return java.util.stream.IntStream.range(0, v.length).boxed()
                .sorted((a, b) -> Float.compare(v[b], v[a])).mapToInt(Integer::intValue).toArray();
    }
}
