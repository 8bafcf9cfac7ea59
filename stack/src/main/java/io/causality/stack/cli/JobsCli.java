package io.causality.stack.cli;

import io.causality.stack.LocalStack;
import io.causality.stack.SavepointPolicy;
import io.causality.stack.StackJobs;
import io.causality.stack.StackJobs.StackJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code causality jobs ...}: the Flink jobs' life on the local stack (docs/stack.md). */
@Command(
        name = "jobs",
        description =
                "The stack's Flink jobs: list, status, stop with a savepoint, resume, upgrade with a"
                        + " roll back, savepoints.",
        subcommands = {
            JobsCli.ListJobs.class,
            JobsCli.Status.class,
            JobsCli.Stop.class,
            JobsCli.Resume.class,
            JobsCli.Upgrade.class,
            JobsCli.Savepoints.class
        })
final class JobsCli {
    private JobsCli() {}

    static StackJobs jobs(LocalStack stack) {
        if (stack.flink().jobManager().running().isEmpty()) {
            throw new IllegalStateException("Flink does not run: `causality up` starts it");
        }
        return stack.jobs();
    }

    @Command(
            name = "list",
            description = "Each job: whether it runs, its id and what it resumes from.")
    static final class ListJobs implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            StackJobs jobs = jobs(Causality.stack());
            for (StackJob job : jobs.all()) {
                var id = jobs.activeId(job);
                String state = id.isEmpty() ? "stopped" : jobs.state(job).orElse("SUBMITTED");
                System.out.printf(
                        "  %-10s %-22s %s%s%n",
                        job.label(),
                        job.name(),
                        id.map(i -> String.format("%-11s job %s", state, i)).orElse(state),
                        id.isPresent()
                                ? ""
                                : jobs.resumePoint(job)
                                        .map(
                                                p ->
                                                        "  (resumes from "
                                                                + (p.savepoint()
                                                                        ? "savepoint "
                                                                        : "checkpoint ")
                                                                + p.path()
                                                                + ")")
                                        .orElse("  (starts from the beginning)"));
            }
            return 0;
        }
    }

    @Command(
            name = "status",
            description =
                    "Per job: state, uptime, restarts, age of the last checkpoint, input lag and"
                            + " records/s in and out; exit 1 unless every job is healthy.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return jobs(Causality.stack()).printHealth(System.out, Instant.now()) ? 0 : 1;
        }
    }

    @Command(
            name = "stop",
            description =
                    "Stop jobs with a savepoint; where it is, is recorded for the next resume.")
    static final class Stop implements Callable<Integer> {
        @Parameters(arity = "1", description = "warehouse, reaction, anomaly, delivery or all")
        String job;

        @Override
        public Integer call() throws Exception {
            StackJobs jobs = jobs(Causality.stack());
            List<StackJob> named = new ArrayList<>(jobs.named(job));
            java.util.Collections.reverse(named); // as `down`: the delivery job first
            int rc = 0;
            for (StackJob j : named) {
                var id = jobs.activeId(j);
                if (id.isEmpty()) {
                    System.out.printf("  %-12sdoes not run%n", j.label());
                    continue;
                }
                try {
                    jobs.stop(j, id.get());
                } catch (java.io.IOException e) {
                    // The others are still stopped: a savepoint of one job is no reason to keep
                    // the rest running.
                    System.out.printf("  %-12sNOT stopped: %s%n", j.label(), e.getMessage());
                    rc = 1;
                }
            }
            return rc;
        }
    }

    @Command(
            name = "resume",
            description =
                    "Submit stopped jobs from their latest savepoint or checkpoint, or from one you"
                            + " name.")
    static final class Resume implements Callable<Integer> {
        @Parameters(arity = "1", description = "warehouse, reaction, anomaly, delivery or all")
        String job;

        @Option(
                names = "--from",
                description = "a savepoint or checkpoint directory (one job only)")
        Path from;

        @Option(
                names = "--allow-non-restored-state",
                description =
                        "drop state that no operator of the job takes (after removing an"
                                + " operator); without it such a resume fails")
        boolean allowNonRestoredState;

        @Override
        public Integer call() throws Exception {
            StackJobs jobs = jobs(Causality.stack());
            List<StackJob> named = jobs.named(job);
            if (from != null) {
                if (named.size() != 1) {
                    throw new IllegalArgumentException("--from names the savepoint of one job");
                }
                if (!Files.isRegularFile(from.resolve("_metadata"))) {
                    throw new IllegalArgumentException(
                            from + " is not a complete savepoint or checkpoint (no _metadata)");
                }
            }
            if (from != null && jobs.activeId(named.get(0)).isPresent()) {
                throw new IllegalArgumentException(
                        "the "
                                + named.get(0).label()
                                + " job runs: `causality jobs stop "
                                + named.get(0).label()
                                + "` first, then resume it --from "
                                + from);
            }
            List<StackJobs.Resumed> resumed = new ArrayList<>();
            for (StackJob j : named) {
                jobs.ensure(j, from, allowNonRestoredState).ifPresent(resumed::add);
            }
            return jobs.retire(resumed, Duration.ofSeconds(60)).isEmpty() ? 0 : 1;
        }
    }

    @Command(
            name = "upgrade",
            description =
                    "Stop jobs with a savepoint and submit the newly built jar from it; if it does"
                            + " not run and checkpoint within 2 minutes, go back to the jar that ran."
                            + " Exit 1 after a roll back.")
    static final class Upgrade implements Callable<Integer> {
        @Parameters(arity = "1", description = "warehouse, reaction, anomaly, delivery or all")
        String job;

        @Option(
                names = "--jar",
                description = "the jobs jar to run (default: the one the build made)")
        Path jar;

        @Override
        public Integer call() throws Exception {
            StackJobs jobs = jobs(Causality.stack());
            Path next = jar != null ? jar : jobs.builtJar();
            boolean all = true;
            for (StackJob j : jobs.named(job)) {
                try {
                    all &= jobs.upgrade(j, next);
                } catch (java.io.IOException | IllegalStateException e) {
                    System.out.printf("  %-12sNOT upgraded: %s%n", j.label(), e.getMessage());
                    all = false;
                }
            }
            return all ? 0 : 1;
        }
    }

    @Command(
            name = "savepoints",
            description =
                    "The savepoints with job, age and size; --clean deletes those the policy lets"
                            + " go (beyond the newest 10 of a job, or older than a day).")
    static final class Savepoints implements Callable<Integer> {
        @Option(names = "--clean", description = "delete what the policy lets go")
        boolean clean;

        @Option(names = "--keep", defaultValue = "10", description = "per job (default 10)")
        int keep;

        @Option(
                names = "--max-age",
                defaultValue = "P1D",
                description = "ISO-8601 duration (default P1D, a day)")
        Duration maxAge;

        @Override
        public Integer call() throws Exception {
            StackJobs jobs = Causality.stack().jobs();
            Instant now = Instant.now();
            SavepointPolicy policy = new SavepointPolicy(keep, maxAge);
            var all = jobs.savepoints();
            var going = policy.toDelete(all, now);
            for (StackJobs.Savepoint s : all) {
                System.out.printf(
                        "  %-10s %-14s %10s  %s%s%n",
                        s.job(),
                        StackJobs.age(Duration.between(s.completed(), now)) + " ago",
                        StackJobs.bytes(s.bytes()),
                        s.path(),
                        s.resumePoint()
                                ? "  <- recorded (kept)"
                                : going.contains(s) ? "  (expired)" : "");
            }
            System.out.printf("%d savepoints%n", all.size());
            if (clean) {
                var gone = jobs.clean(policy, now);
                System.out.printf(
                        "deleted %d (keep %d per job, at most %s old; the newest of each job and resume points stay)%n",
                        gone.size(), keep, maxAge);
            }
            return 0;
        }
    }
}
