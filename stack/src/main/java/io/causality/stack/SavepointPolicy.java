package io.causality.stack;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which savepoints go, as the Flink Kubernetes Operator's savepoint history does it by default: of
 * each job's savepoints, newest first, those beyond the newest {@code keep} and those older than
 * {@code maxAge} go; the newest of each job stays whatever its age, and so does every savepoint a
 * resume would start from.
 */
public record SavepointPolicy(int keep, Duration maxAge) {
    /** The operator's defaults: {@code savepoint.history.max.count 10}, {@code max.age 24h}. */
    public static final SavepointPolicy DEFAULT = new SavepointPolicy(10, Duration.ofDays(1));

    public SavepointPolicy {
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least 1 savepoint per job, not " + keep);
        }
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("the maximum age must not be negative: " + maxAge);
        }
    }

    public List<StackJobs.Savepoint> toDelete(List<StackJobs.Savepoint> all, Instant now) {
        Map<String, List<StackJobs.Savepoint>> byJob = new LinkedHashMap<>();
        all.stream()
                .sorted(Comparator.comparing(StackJobs.Savepoint::completed).reversed())
                .forEach(s -> byJob.computeIfAbsent(s.job(), j -> new ArrayList<>()).add(s));
        List<StackJobs.Savepoint> gone = new ArrayList<>();
        for (List<StackJobs.Savepoint> newestFirst : byJob.values()) {
            for (int i = 1; i < newestFirst.size(); i++) {
                StackJobs.Savepoint s = newestFirst.get(i);
                boolean old = Duration.between(s.completed(), now).compareTo(maxAge) > 0;
                if ((i >= keep || old) && !s.resumePoint()) {
                    gone.add(s);
                }
            }
        }
        return gone;
    }
}
