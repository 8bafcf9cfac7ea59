package io.causality.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumePointTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private static Path complete(Path dir, Instant at) throws Exception {
        Files.createDirectories(dir);
        Path metadata = Files.writeString(dir.resolve("_metadata"), "x");
        Files.setLastModifiedTime(metadata, FileTime.from(at));
        return dir;
    }

    @Test
    void afterAnUncleanStopTheNewestCheckpointWinsOverTheLastSavepoint(@TempDir Path home)
            throws Exception {
        Path savepoint = complete(home.resolve("savepoints/savepoint-1"), T0);
        Path run = home.resolve("checkpoints/job-b");
        complete(run.resolve("chk-3"), T0.plusSeconds(60));
        Path newest = complete(run.resolve("chk-4"), T0.plusSeconds(65));
        // In progress when the process died: no _metadata, never a candidate.
        Files.createDirectories(run.resolve("chk-5"));
        assertThat(ResumePoint.newest(Optional.of(savepoint), List.of(run)))
                .get()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo(newest);
                            assertThat(p.savepoint()).isFalse();
                        });
    }

    @Test
    void afterACleanStopTheSavepointIsNewerThanEveryCheckpoint(@TempDir Path home)
            throws Exception {
        Path run = home.resolve("checkpoints/job-a");
        complete(run.resolve("chk-9"), T0);
        Path savepoint = complete(home.resolve("savepoints/savepoint-2"), T0.plusSeconds(3));
        // An older run's checkpoints and a run that never completed one are candidates too.
        complete(home.resolve("checkpoints/job-0/chk-40"), T0.minusSeconds(600));
        assertThat(
                        ResumePoint.newest(
                                Optional.of(savepoint),
                                List.of(
                                        run,
                                        home.resolve("checkpoints/job-0"),
                                        home.resolve("checkpoints/never"))))
                .get()
                .extracting(ResumePoint::path)
                .isEqualTo(savepoint);
    }

    @Test
    void checkpointsOfTheSameSecondAreOrderedByNumberAndNothingMeansAFreshStart(@TempDir Path home)
            throws Exception {
        Path run = home.resolve("checkpoints/job");
        complete(run.resolve("chk-10"), T0);
        Path chk11 = complete(run.resolve("chk-11"), T0);
        assertThat(ResumePoint.newest(Optional.empty(), List.of(run)))
                .get()
                .extracting(ResumePoint::path)
                .isEqualTo(chk11);
        assertThat(
                        ResumePoint.newest(
                                Optional.of(home.resolve("savepoints/gone")),
                                List.of(home.resolve("checkpoints/none"))))
                .isEmpty();
    }
}
