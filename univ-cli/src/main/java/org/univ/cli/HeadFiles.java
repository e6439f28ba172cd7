package org.univ.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A trained head and the backbone it was trained on ({@code univ det predict}, {@code univ seg eval|predict}). */
final class HeadFiles {
    @Option(names = "--backbone", required = true, paramLabel = "W", description = "the backbone the head was trained on")
    Path backbone;

    @Option(names = "--head", required = true, paramLabel = "H", description = "the head from 'univ det|seg train'")
    Path head;
}
