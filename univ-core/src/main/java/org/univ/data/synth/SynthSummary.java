package org.univ.data.synth;

import java.nio.file.Path;
import java.util.List;

/** What {@link SceneGenerator#write} produced: ids in index order, the split, night pairs and box count. */
public record SynthSummary(Path dir, List<String> ids, List<String> train, List<String> val, int night, int boxes) {
    public SynthSummary {
        ids = List.copyOf(ids);
        train = List.copyOf(train);
        val = List.copyOf(val);
    }
}
