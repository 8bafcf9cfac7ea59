package io.causality.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaRuntimesTest {
    private static final Runtime.Version MIN = Runtime.Version.parse("24.0.1");

    @TempDir Path root;

    private Path jdk(String name, String version) throws IOException {
        Path home = root.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    @Test
    void picksTheNewestJdkThatIsNewEnough() throws IOException {
        jdk("java-17-openjdk", "17.0.15");
        jdk("temurin-24", "24.0.2");
        Path newest = jdk("temurin-25", "25.0.3");
        jdk("jdk-8", "1.8.0_392");

        JavaRuntimes.Choice c = JavaRuntimes.find(MIN, Map.of(), List.of(root));

        assertThat(c.jdk()).map(JavaRuntimes.Jdk::home).contains(newest.toAbsolutePath());
        assertThat(c.jdk().get().version()).isEqualTo(Runtime.Version.parse("25.0.3"));
    }

    @Test
    void aPatchBelowTheMinimumIsNotEnough() throws IOException {
        jdk("temurin-24", "24");
        JavaRuntimes.Choice c = JavaRuntimes.find(MIN, Map.of(), List.of(root));
        assertThat(c.jdk()).isEmpty();
        assertThat(c.explanation())
                .contains("Trino needs Java 24.0.1 or newer")
                .contains("only Java 24 (")
                .contains(JavaRuntimes.ENV);
    }

    @Test
    void withNoneFoundItSaysWhatToInstallAndWhereItLooked() throws IOException {
        jdk("java-17", "17.0.15");
        Path folderWithoutJava = Files.createDirectories(root.resolve("not-a-jdk"));
        Files.writeString(folderWithoutJava.resolve("release"), "JAVA_VERSION=\"25\"\n");

        JavaRuntimes.Choice c = JavaRuntimes.find(MIN, Map.of(), List.of(root));

        assertThat(c.jdk()).isEmpty();
        assertThat(c.explanation())
                .contains("Java 17.0.15")
                .contains(root.toString())
                .contains("temurin-25-jdk")
                .contains("causality up");
    }

    @Test
    void javaHomeCountsAsACandidate() throws IOException {
        Path other = Files.createDirectories(root.resolve("elsewhere"));
        Path home = jdk("elsewhere/jdk-25", "25");
        JavaRuntimes.Choice c =
                JavaRuntimes.find(
                        MIN, Map.of("JAVA_HOME", home.toString()), List.of(root.resolve("none")));
        assertThat(c.jdk()).map(JavaRuntimes.Jdk::home).contains(home.toAbsolutePath());
        assertThat(other).isDirectory();
    }

    @Test
    void theVariableWinsAndATooOldOneIsRefusedWithTheReason() throws IOException {
        jdk("temurin-25", "25.0.3");
        Path old = jdk("jdk-21", "21.0.5");

        JavaRuntimes.Choice c =
                JavaRuntimes.find(MIN, Map.of(JavaRuntimes.ENV, old.toString()), List.of(root));

        // Named explicitly, it is not second-guessed with another JDK.
        assertThat(c.jdk()).isEmpty();
        assertThat(c.explanation()).contains("is Java 21.0.5").contains("needs 24.0.1");

        JavaRuntimes.Choice notAJdk =
                JavaRuntimes.find(
                        MIN, Map.of(JavaRuntimes.ENV, root.resolve("nope").toString()), List.of());
        assertThat(notAJdk.jdk()).isEmpty();
        assertThat(notAJdk.explanation()).contains("is not a JDK folder");
    }

    @Test
    void theMinimumComesFromTheParentPom() {
        assertThat(TrinoServer.minimumJava().feature()).isGreaterThanOrEqualTo(22);
        assertThat(TrinoServer.versions().getProperty("trino.version")).matches("\\d+");
    }
}
