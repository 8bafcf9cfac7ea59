package io.causality.processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the local stack keeps everything: one folder, configurable with CAUSALITY_HOME. */
public record StackLayout(Path home) {

    public static StackLayout fromEnvironment(Path repoRoot) {
        String env = System.getenv("CAUSALITY_HOME");
        return new StackLayout(
                (env != null && !env.isBlank() ? Path.of(env) : repoRoot.resolve(".stack"))
                        .toAbsolutePath()
                        .normalize());
    }

    public Path pids() {
        return home.resolve("pids");
    }

    public Path logs() {
        return home.resolve("logs");
    }

    public Path conf() {
        return home.resolve("conf");
    }

    public Path kafkaData() {
        return home.resolve("kafka");
    }

    public Path postgresData() {
        return home.resolve("postgres");
    }

    public Path tmp() {
        return home.resolve("tmp");
    }

    public StackLayout create() throws IOException {
        for (Path p : new Path[] {pids(), logs(), conf(), kafkaData(), tmp()}) {
            Files.createDirectories(p);
        }
        return this;
    }

    /**
     * Deletes a folder and everything in it; nothing when it does not exist. Entries that vanish
     * meanwhile are fine: Flink may be removing a subsumed checkpoint of the same folder (CI saw
     * {@code NoSuchFileException} for a {@code chk-*} folder from a plain walk).
     */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(
                dir,
                new java.nio.file.SimpleFileVisitor<>() {
                    @Override
                    public java.nio.file.FileVisitResult visitFile(
                            Path file, java.nio.file.attribute.BasicFileAttributes attrs)
                            throws IOException {
                        Files.deleteIfExists(file);
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }

                    @Override
                    public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e)
                            throws IOException {
                        if (e instanceof java.nio.file.NoSuchFileException) {
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }

                    @Override
                    public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e)
                            throws IOException {
                        if (e != null && !(e instanceof java.nio.file.NoSuchFileException)) {
                            throw e;
                        }
                        Files.deleteIfExists(d);
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                });
    }
}
