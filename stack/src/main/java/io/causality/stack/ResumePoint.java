package io.causality.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a job of the stack resumes from at {@code up}: the newest of the savepoint the last {@code
 * down} took and the checkpoints that the job's runs since then retained. After an unclean stop (a
 * killed process, a reboot) the checkpoints are newer than that savepoint, and resuming from the
 * savepoint would write everything since again. Complete savepoints and checkpoints have a {@code
 * _metadata} file; its time says when they completed.
 *
 * @param path the directory to pass as the job's savepoint path
 */
public record ResumePoint(Path path, FileTime completed, boolean savepoint) {
    /**
     * The newest complete savepoint or checkpoint among the candidates.
     *
     * @param savepoint the savepoint {@code down} recorded, if any
     * @param checkpointRoots the checkpoint directories of the job's runs ({@code checkpoints/<job
     *     id>}), each holding {@code chk-<n>} directories
     */
    public static Optional<ResumePoint> newest(Optional<Path> savepoint, List<Path> checkpointRoots)
            throws IOException {
        List<ResumePoint> candidates = new ArrayList<>();
        if (savepoint.isPresent()) {
            complete(savepoint.get(), true).ifPresent(candidates::add);
        }
        for (Path root : checkpointRoots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path d :
                        dirs.filter(d -> d.getFileName().toString().startsWith("chk-")).toList()) {
                    complete(d, false).ifPresent(candidates::add);
                }
            }
        }
        return candidates.stream()
                .max(
                        Comparator.comparing(ResumePoint::completed)
                                .thenComparing(ResumePoint::checkpointNumber));
    }

    private static Optional<ResumePoint> complete(Path dir, boolean savepoint) throws IOException {
        Path metadata = dir.resolve("_metadata");
        if (!Files.isRegularFile(metadata)) {
            return Optional.empty();
        }
        return Optional.of(new ResumePoint(dir, Files.getLastModifiedTime(metadata), savepoint));
    }

    /** The n of {@code chk-n}, to order checkpoints of one run completed within a clock tick. */
    private long checkpointNumber() {
        String name = path.getFileName().toString();
        try {
            return name.startsWith("chk-") ? Long.parseLong(name.substring(4)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
