package io.causality.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SavepointPolicyTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    private static StackJobs.Savepoint sp(String job, int hoursAgo, boolean resumePoint) {
        return new StackJobs.Savepoint(
                job,
                Path.of("savepoint-" + job + "-" + hoursAgo),
                NOW.minus(Duration.ofHours(hoursAgo)),
                100,
                resumePoint);
    }

    private static List<String> names(List<StackJobs.Savepoint> s) {
        return s.stream().map(x -> x.path().toString()).sorted().toList();
    }

    @Test
    void beyondTheCountEachJobLosesItsOldest() {
        List<StackJobs.Savepoint> all = new ArrayList<>();
        for (int h = 0; h < 5; h++) {
            all.add(sp("reaction", h, false));
            all.add(sp("anomaly", h, false));
        }
        var gone = new SavepointPolicy(3, Duration.ofDays(1)).toDelete(all, NOW);
        assertThat(names(gone))
                .containsExactly(
                        "savepoint-anomaly-3",
                        "savepoint-anomaly-4",
                        "savepoint-reaction-3",
                        "savepoint-reaction-4");
    }

    @Test
    void olderThanTheAgeGoesButTheNewestOfAJobAndAResumePointStay() {
        List<StackJobs.Savepoint> all =
                List.of(
                        sp("warehouse", 30, false), // the newest of its job: stays, however old
                        sp("warehouse", 40, false),
                        sp("delivery", 1, false),
                        sp("delivery", 25, true), // a resume starts from it
                        sp("delivery", 26, false));
        var gone = SavepointPolicy.DEFAULT.toDelete(all, NOW);
        assertThat(names(gone)).containsExactly("savepoint-delivery-26", "savepoint-warehouse-40");
    }

    @Test
    void aPolicyThatWouldKeepNothingIsRefused() {
        assertThatThrownBy(() -> new SavepointPolicy(0, Duration.ofDays(1)))
                .hasMessageContaining("keep at least 1");
    }
}
