package io.causality.jobs.reaction;

import java.io.Serializable;
import java.time.Duration;

/**
 * How much the job puts up with from one rule, and how long it waits for rules.
 *
 * @param suspendAfterErrors a rule that fails on more events than this within {@code suspendWindow}
 *     is suspended until it is deployed again
 * @param startupWait how long events wait at start for the rules topic to be read, and the sequence
 *     matcher for a rule it has not received yet
 * @param heldAtMost how many events wait at start at most, per instance
 */
public record RuleLimits(
        int suspendAfterErrors, Duration suspendWindow, Duration startupWait, int heldAtMost)
        implements Serializable {

    public static final RuleLimits DEFAULT =
            new RuleLimits(100, Duration.ofMinutes(10), Duration.ofSeconds(60), 10_000);
}
