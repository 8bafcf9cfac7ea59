package io.causality.processes;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one way the stack waits for something to happen: a process to serve, a job to run, a
 * savepoint to complete. It asks every so often until the answer comes, fails at once with the
 * process's last log lines if a process it depends on exits meanwhile, and fails with what it
 * waited for, the last thing it heard and where to look once the deadline passes.
 */
public final class Poll {
    /** One look: the answer, or empty while it is not there yet (an exception counts as that). */
    @FunctionalInterface
    public interface Look<T> {
        Optional<T> look() throws Exception;
    }

    /** One look for a condition. */
    @FunctionalInterface
    public interface Check {
        boolean holds() throws Exception;
    }

    private final String what;
    private final Duration timeout;
    private final Duration every;
    private final List<ManagedProcess> processes;

    private Poll(String what, Duration timeout, Duration every, List<ManagedProcess> processes) {
        this.what = what;
        this.timeout = timeout;
        this.every = every;
        this.processes = processes;
    }

    /**
     * @param what what is awaited, as the failure should say it ("Kafka to answer")
     * @param processes processes that must keep running meanwhile (their exit fails at once)
     */
    public static Poll forThe(
            String what, Duration timeout, Duration every, ManagedProcess... processes) {
        return new Poll(what, timeout, every, List.of(processes));
    }

    /** Waits until the check holds. */
    public void until(Check check) throws IOException, InterruptedException {
        value(() -> check.holds() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** Waits until a look finds the answer, and returns it. */
    public <T> T value(Look<T> look) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (true) {
            for (ManagedProcess p : processes) {
                if (p.running().isEmpty()) {
                    throw new IOException(
                            p.name() + " exited while waiting for " + what + ":\n" + p.tail(30));
                }
            }
            try {
                Optional<T> found = look.look();
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception notYet) {
                last = String.valueOf(notYet.getMessage());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        "waited "
                                + timeout
                                + " for "
                                + what
                                + " (last: "
                                + last
                                + ")"
                                + (processes.isEmpty()
                                        ? ""
                                        : "; see " + processes.get(0).logFile()));
            }
            Thread.sleep(every.toMillis()); // the deadline above bounds the wait
        }
    }
}
