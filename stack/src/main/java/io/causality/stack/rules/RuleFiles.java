package io.causality.stack.rules;

import io.causality.rules.parse.ParsedRules;
import io.causality.rules.parse.Parser;
import io.causality.rules.parse.RuleSyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Rule files named on the command line: files, or folders whose {@code *.rules} files count. */
final class RuleFiles {
    private RuleFiles() {}

    /** The outcome: every file parsed, or the syntax errors (one per file at most). */
    record Loaded(List<ParsedRules> files, List<String> errors) {}

    static Loaded load(List<Path> paths) throws IOException {
        List<ParsedRules> parsed = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Path file : expand(paths)) {
            try {
                parsed.add(
                        Parser.parse(
                                file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
            } catch (RuleSyntaxException e) {
                errors.add(
                        e.file() + ":" + e.line() + ":" + e.column() + ": error: " + e.problem());
            }
        }
        return new Loaded(parsed, errors);
    }

    private static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.toString().endsWith(".rules")).sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new IOException("no such rule file or folder: " + p);
            }
        }
        return out;
    }
}
