package io.causality.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Finds an installed JDK of at least a given version, for a component that needs a newer Java than
 * the one the stack runs on (Trino). Looks at, in order: {@code CAUSALITY_TRINO_JAVA_HOME} (used as
 * given, or refused with the reason), {@code JAVA_HOME}, and the usual install folders; of those
 * that qualify it takes the newest.
 */
public final class JavaRuntimes {
    /** The variable that names the JDK to run Trino with. */
    public static final String ENV = "CAUSALITY_TRINO_JAVA_HOME";

    /** Where JDKs are installed by Debian/Ubuntu packages, Temurin, SDKMAN and IntelliJ. */
    static final List<String> SEARCHED =
            List.of(
                    "/usr/lib/jvm",
                    "/usr/java",
                    "/opt/java",
                    "~/.sdkman/candidates/java",
                    "~/.jdks");

    /** A JDK folder and the version its {@code release} file states. */
    public record Jdk(Path home, Runtime.Version version) {
        public Path java() {
            return home.resolve("bin/java");
        }
    }

    /** The outcome: a JDK, or why none was chosen (what was looked at and what to do). */
    public record Choice(Optional<Jdk> jdk, String explanation) {}

    private JavaRuntimes() {}

    /**
     * @param minimum e.g. {@code 24.0.1}
     * @param env the process environment
     * @param roots the folders to search (each holding JDK folders)
     */
    public static Choice find(Runtime.Version minimum, Map<String, String> env, List<Path> roots) {
        String named = env.get(ENV);
        if (named != null && !named.isBlank()) {
            Path home = Path.of(named.trim());
            Optional<Jdk> jdk = inspect(home);
            if (jdk.isEmpty()) {
                return new Choice(
                        Optional.empty(),
                        ENV + "=" + named + " is not a JDK folder (no bin/java and release file)");
            }
            if (jdk.get().version().compareTo(minimum) < 0) {
                return new Choice(
                        Optional.empty(),
                        ENV
                                + "="
                                + named
                                + " is Java "
                                + jdk.get().version()
                                + "; Trino needs "
                                + minimum
                                + " or newer");
            }
            return new Choice(jdk, "from " + ENV);
        }
        List<Jdk> found = new ArrayList<>();
        String javaHome = env.get("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            inspect(Path.of(javaHome.trim())).ifPresent(found::add);
        }
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (var dirs = Files.list(root)) {
                dirs.forEach(d -> inspect(d).ifPresent(found::add));
            } catch (IOException e) {
                // an unreadable folder holds no JDK we can use
            }
        }
        Optional<Jdk> best =
                found.stream()
                        .filter(j -> j.version().compareTo(minimum) >= 0)
                        .max(Comparator.comparing(Jdk::version));
        if (best.isPresent()) {
            return new Choice(best, "found in " + best.get().home().getParent());
        }
        String seen =
                found.isEmpty()
                        ? "no JDK"
                        : "only "
                                + String.join(
                                        ", ",
                                        found.stream()
                                                .map(
                                                        j ->
                                                                "Java "
                                                                        + j.version()
                                                                        + " ("
                                                                        + j.home()
                                                                        + ")")
                                                .distinct()
                                                .toList());
        return new Choice(
                Optional.empty(),
                "Trino needs Java "
                        + minimum
                        + " or newer and this machine has "
                        + seen
                        + " in JAVA_HOME or "
                        + String.join(", ", roots.stream().map(Path::toString).toList())
                        + ". Install one (e.g. `apt install temurin-25-jdk` from Adoptium's"
                        + " repository, or `sdk install java 25-tem`), or point "
                        + ENV
                        + " at it, then run `causality up` again.");
    }

    /** The default search folders, with {@code ~} expanded. */
    public static List<Path> defaultRoots() {
        String user = System.getProperty("user.home");
        return SEARCHED.stream()
                .map(s -> s.startsWith("~/") ? Path.of(user, s.substring(2)) : Path.of(s))
                .toList();
    }

    /** The JDK in a folder, by its {@code release} file, if it has a java launcher. */
    static Optional<Jdk> inspect(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin/java"))) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(release)) {
            p.load(in);
            String v = p.getProperty("JAVA_VERSION", "").replace("\"", "").trim();
            // Old JDKs say 1.8.0_392: those are below any minimum we ask for.
            if (v.startsWith("1.")) {
                v = v.substring(2).replace('_', '.');
            }
            return Optional.of(
                    new Jdk(home.toAbsolutePath().normalize(), Runtime.Version.parse(v)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
