package org.univ.cli;

import picocli.CommandLine.Option;

/** {@code --freeze} (the default: frozen backbone, cached features) or {@code --finetune}; an exclusive group. */
final class ProtocolOption {
    @Option(names = "--freeze", description = "frozen backbone, head only, cached features (default)") boolean freeze;
    @Option(names = "--finetune", description = "fine-tune the backbone with the head (LoRA)") boolean finetune;

    /** {@code protocol=…} for a config, or null when neither flag was given (the config's own setting). */
    String override() {
        return finetune ? "protocol=finetune" : freeze ? "protocol=freeze" : null;
    }
}
