package io.causality.stack.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.contracts.Topics;
import io.causality.stack.TopicEnds;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * What the detectors made of the demo's traffic: the anomaly job's state changes since the demo
 * began, once the story's detector has fired and resolved.
 */
public final class AnomalyReport {
    private final Admin admin;
    private final String bootstrapServers;
    private final PrintStream out;

    public AnomalyReport(Admin admin, String bootstrapServers, PrintStream out) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
        this.out = out;
    }

    /** Where the anomalies topic ends now: the report shows what comes after. */
    public Map<TopicPartition, Long> mark() throws Exception {
        return TopicEnds.of(admin, Topics.ANOMALIES, IsolationLevel.READ_UNCOMMITTED);
    }

    /**
     * Waits until {@code detector} has fired and resolved since {@code mark}, then prints every
     * state change since then. False if that did not happen in time.
     */
    public boolean print(Map<TopicPartition, Long> mark, String detector, Duration timeout)
            throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        out.print(
                "waiting for the detector "
                        + detector
                        + " to fire and resolve: windows close once event time has passed their"
                        + " end ...");
        out.flush();
        List<JsonNode> changes = TopicEnds.readCommitted(bootstrapServers, mark);
        while (!firedAndResolved(changes, detector)) {
            if (Instant.now().isAfter(deadline)) {
                out.println(" not within " + timeout + " (is the anomaly job running?)");
                report(changes);
                return false;
            }
            Thread.sleep(1000); // event time moves with the wall clock; the deadline bounds it
            changes = TopicEnds.readCommitted(bootstrapServers, mark);
        }
        out.println(" done");
        report(changes);
        return true;
    }

    static boolean firedAndResolved(List<JsonNode> changes, String detector) {
        boolean fired = false;
        for (JsonNode c : changes) {
            if (c.path("detector").asText().equals(detector)) {
                String state = c.path("state").asText();
                fired |= state.equals("firing");
                if (fired && state.equals("resolved")) {
                    return true;
                }
            }
        }
        return false;
    }

    private void report(List<JsonNode> changes) {
        out.println("anomalies since the demo began (" + Topics.ANOMALIES + "):");
        if (changes.isEmpty()) {
            out.println("  none");
        }
        for (JsonNode c : changes) {
            out.printf(
                    "  %-26s %-9s %s  window %s to %s  value %s, baseline %s%n",
                    c.path("detector").asText(),
                    c.path("state").asText(),
                    c.path("group"),
                    c.path("window_start").asText(),
                    c.path("window_end").asText(),
                    c.path("value"),
                    c.path("baseline"));
        }
    }
}
