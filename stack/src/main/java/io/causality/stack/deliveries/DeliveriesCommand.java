package io.causality.stack.deliveries;

import io.causality.contracts.Durations;
import io.causality.webhooks.Delivery;
import io.causality.webhooks.DeliveryCodec;
import io.causality.webhooks.DeliveryLog;
import io.causality.webhooks.DeliveryQueries;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code causality deliveries ...}: what the delivery log says, and replays. A replay puts the
 * delivery back on the retry topic, where the delivery job reads it like one of its own retries: it
 * goes through the same gate, signing and log, with the same {@code webhook-id} and body, its
 * attempt numbers going on and the retry schedule starting again. The command line's parsing is in
 * {@code cli.DeliveriesCli}.
 */
public final class DeliveriesCommand {
    /** Puts a delivery on the retry topic. */
    public interface Resend {
        void send(Delivery d) throws Exception;
    }

    /** Reads the deliveries dead-letter topic from its start: each record as the job wrote it. */
    public interface DeadLetters {
        List<byte[]> all() throws Exception;
    }

    private final DeliveryQueries log;
    private final Resend resend;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final PrintStream out;
    private final PrintStream err;

    public DeliveriesCommand(
            DeliveryQueries log,
            Resend resend,
            DeadLetters deadLetters,
            Clock clock,
            PrintStream out,
            PrintStream err) {
        this.log = log;
        this.resend = resend;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.out = out;
        this.err = err;
    }

    public int list(String app, String endpoint, String status, int limit) throws SQLException {
        if (status != null && !isStatus(status)) {
            err.println(
                    "--status must be one of pending, retrying, delivered, failed, refused (not "
                            + status
                            + ")");
            return 2;
        }
        List<DeliveryQueries.Row> rows =
                log.list(new DeliveryQueries.Filter(app, endpoint, status, null, limit));
        out.printf(
                "%-38s %-14s %-16s %-10s %8s %5s  %-20s %s%n",
                "DELIVERY (webhook-id)",
                "APP",
                "ENDPOINT",
                "STATUS",
                "ATTEMPTS",
                "CODE",
                "UPDATED",
                "LAST ERROR");
        for (DeliveryQueries.Row r : rows) {
            out.printf(
                    "%-38s %-14s %-16s %-10s %8d %5s  %-20s %s%n",
                    r.deliveryId(),
                    r.appId(),
                    r.endpoint(),
                    r.status(),
                    r.attempts(),
                    r.lastStatusCode() == null ? "-" : r.lastStatusCode(),
                    r.updatedAt().toString().replaceFirst("\\.\\d+Z$", "Z"),
                    r.lastError() == null ? "" : oneLine(r.lastError(), 80));
        }
        if (rows.isEmpty()) {
            out.println("(no deliveries" + (status == null ? "" : " " + status) + ")");
        } else if (rows.size() == limit) {
            out.println("(the newest " + limit + "; --limit shows more)");
        }
        return 0;
    }

    public int show(String deliveryId) throws SQLException {
        Optional<DeliveryQueries.Row> found = log.find(deliveryId);
        if (found.isEmpty()) {
            err.println("no delivery " + deliveryId + " in the delivery log");
            return 1;
        }
        DeliveryQueries.Row r = found.get();
        out.println("delivery:     " + r.deliveryId() + "  (the webhook-id receivers see)");
        out.println("endpoint:     " + r.appId() + "/" + r.endpoint());
        out.println(
                "rule:         "
                        + r.rule()
                        + " v"
                        + r.ruleVersion()
                        + ", match "
                        + r.matchId()
                        + (r.matchKey() == null ? "" : ", key " + r.matchKey()));
        out.println("status:       " + r.status() + " after " + r.attempts() + " attempt(s)");
        out.println("created:      " + r.createdAt());
        out.println("updated:      " + r.updatedAt());
        if (r.deliveredAt() != null) {
            out.println("delivered:    " + r.deliveredAt());
        }
        if (r.nextAttemptAt() != null) {
            out.println("next attempt: " + r.nextAttemptAt());
        }
        if (r.lastError() != null) {
            out.println("last error:   " + r.lastError());
        }
        List<DeliveryLog.AttemptRow> attempts = log.attempts(deliveryId);
        out.println("attempts:     " + attempts.size());
        out.printf("  %3s  %-27s %6s %9s  %s%n", "#", "STARTED", "STATUS", "LATENCY", "ANSWER");
        for (DeliveryLog.AttemptRow a : attempts) {
            String answer =
                    a.error() != null
                            ? a.error()
                            : a.responseHead() == null ? "" : a.responseHead();
            out.printf(
                    "  %3d  %-27s %6s %6d ms  %s%n",
                    a.attempt(),
                    a.startedAt(),
                    a.statusCode() == null ? "-" : a.statusCode(),
                    a.latencyMillis(),
                    oneLine(answer, 100));
        }
        if (r.body() != null) {
            out.println("body:         " + oneLine(r.body(), 400));
        }
        return 0;
    }

    /** Sends one delivery again, whatever its status. */
    public int replay(String deliveryId) throws Exception {
        Optional<DeliveryQueries.Row> found = log.find(deliveryId);
        if (found.isEmpty()) {
            err.println(
                    "no delivery "
                            + deliveryId
                            + " in the delivery log (causality deliveries list shows them)");
            return 1;
        }
        DeliveryQueries.Row r = found.get();
        Optional<Delivery> again = DeliveryQueries.replayOf(r);
        if (again.isEmpty()) {
            err.println(
                    "delivery "
                            + deliveryId
                            + " was logged before bodies were kept; replay it from the"
                            + " dead-letter topic: causality deliveries replay --from-dlq");
            return 1;
        }
        if (r.status().equals(DeliveryLog.Status.RETRYING.label())) {
            out.println(
                    "note: "
                            + deliveryId
                            + " was still being retried; its receiver may get it twice, with the"
                            + " same webhook-id");
        }
        send(again.get());
        out.println(
                "replayed "
                        + deliveryId
                        + " to "
                        + r.appId()
                        + "/"
                        + r.endpoint()
                        + ": attempt "
                        + (r.attempts() + 1)
                        + " goes out now with the same webhook-id");
        return 0;
    }

    /**
     * Sends again what the dead-letter topic holds, the newest record of each delivery, unless the
     * log says it has been delivered or is being delivered since.
     */
    public int replayFromDlq(String app, String endpoint) throws Exception {
        Map<String, Delivery> newest = new LinkedHashMap<>();
        int unreadable = 0;
        for (byte[] value : deadLetters.all()) {
            Delivery d;
            try {
                d = DeliveryCodec.read(value);
            } catch (IllegalArgumentException e) {
                unreadable++;
                continue;
            }
            if ((app == null || app.equals(d.appId))
                    && (endpoint == null || endpoint.equals(d.endpoint))) {
                newest.remove(d.deliveryId);
                newest.put(d.deliveryId, d);
            }
        }
        int replayed = 0;
        int skipped = 0;
        for (Delivery d : newest.values()) {
            Optional<DeliveryQueries.Row> row = log.find(d.deliveryId);
            if (row.isPresent() && !DeliveryQueries.UNDELIVERED.contains(row.get().status())) {
                skipped++;
                continue;
            }
            send(d.replayed());
            replayed++;
        }
        out.println(
                "dead letters: "
                        + newest.size()
                        + (app == null && endpoint == null ? "" : " for " + which(app, endpoint))
                        + "; replayed "
                        + replayed
                        + ", skipped "
                        + skipped
                        + " (delivered or being delivered since)"
                        + (unreadable == 0 ? "" : ", " + unreadable + " unreadable records"));
        return 0;
    }

    /** Sends again everything of one endpoint that ended undelivered at or after a time. */
    public int recover(String app, String endpoint, String since) throws Exception {
        Instant from;
        try {
            from = parseSince(since, clock.instant());
        } catch (IllegalArgumentException e) {
            err.println("--since: " + e.getMessage());
            return 2;
        }
        List<DeliveryQueries.Row> rows = log.undeliveredSince(app, endpoint, from);
        int replayed = 0;
        int withoutBody = 0;
        for (DeliveryQueries.Row r : rows) {
            Optional<Delivery> again = DeliveryQueries.replayOf(r);
            if (again.isEmpty()) {
                withoutBody++;
                continue;
            }
            send(again.get());
            replayed++;
        }
        out.println(
                "undelivered since "
                        + from
                        + " for "
                        + app
                        + "/"
                        + endpoint
                        + ": "
                        + rows.size()
                        + "; replayed "
                        + replayed
                        + (withoutBody == 0
                                ? ""
                                : ", " + withoutBody + " logged before bodies were kept"));
        return 0;
    }

    /** Marks the row first: if the send fails, the row says pending and a replay can be rerun. */
    private void send(Delivery d) throws Exception {
        log.markReplayed(d.deliveryId, clock.instant());
        resend.send(d);
    }

    /** An ISO-8601 instant, or a duration ago ({@code 2h}, {@code 3d}). */
    static Instant parseSince(String text, Instant now) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("say since when: an instant or " + Durations.FORMS);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return now.minus(Durations.parse(text));
            } catch (IllegalArgumentException notADuration) {
                throw new IllegalArgumentException(
                        "'"
                                + text
                                + "' is neither an instant (2026-12-03T10:00:00Z) nor "
                                + Durations.FORMS
                                + " (that long ago)");
            }
        }
    }

    private static boolean isStatus(String s) {
        for (DeliveryLog.Status st : DeliveryLog.Status.values()) {
            if (st.label().equals(s)) {
                return true;
            }
        }
        return false;
    }

    private static String which(String app, String endpoint) {
        return (app == null ? "any app" : app)
                + "/"
                + (endpoint == null ? "any endpoint" : endpoint);
    }

    private static String oneLine(String s, int max) {
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() > max ? t.substring(0, max) + "…" : t;
    }
}
