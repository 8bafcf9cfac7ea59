package io.causality.rules;

import io.causality.rules.parse.ParsedRules;
import io.causality.rules.parse.Parser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The repository's example rules (rules/examples), which the docs and the demo use. */
final class ExampleRules {
    static final Path DIR = Path.of("..", "rules", "examples");

    private ExampleRules() {}

    static List<ParsedRules> parseAll() throws Exception {
        List<ParsedRules> out = new ArrayList<>();
        for (Path f : files()) {
            out.add(Parser.parse(f.getFileName().toString(), Files.readString(f)));
        }
        return out;
    }

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".rules")).sorted().toList();
        }
    }
}
