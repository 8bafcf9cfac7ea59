package io.causality.stack.deliveries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.causality.testing.TestPostgres;
import io.causality.webhooks.Delivery;
import io.causality.webhooks.DeliveryCodec;
import io.causality.webhooks.DeliveryLog;
import io.causality.webhooks.DeliveryQueries;
import io.causality.webhooks.SchemaMigrations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The commands over a real delivery log; the Kafka side (the retry topic a replay goes to, the
 * dead-letter topic) is a list here, and the running stack's test sends through the real ones.
 */
class DeliveriesCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static TestPostgres postgres;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<Delivery> sent = new ArrayList<>();
    private final List<byte[]> deadLetters = new ArrayList<>();
    private DeliveriesCommand command;
    private String app;

    @BeforeAll
    static void start() throws Exception {
        postgres = TestPostgres.start();
        SchemaMigrations.apply(postgres.dataSource());
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void fresh() {
        app = "app-" + UUID.randomUUID().toString().substring(0, 8);
        command =
                new DeliveriesCommand(
                        new DeliveryQueries(postgres.dataSource()),
                        sent::add,
                        () -> deadLetters,
                        Clock.fixed(NOW, ZoneOffset.UTC),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void log(String id, DeliveryLog.Status status, int attempts, Instant at)
            throws Exception {
        var row =
                new DeliveryLog.DeliveryRow(
                        id,
                        app,
                        "sales",
                        id,
                        "m-" + id,
                        "key-" + id,
                        "big-order",
                        2,
                        "{\"type\":\"rule.matched\",\"id\":\"" + id + "\"}",
                        status,
                        attempts,
                        status == DeliveryLog.Status.DELIVERED ? 200 : 500,
                        status == DeliveryLog.Status.DELIVERED ? null : "answered 500",
                        20L,
                        at.minusSeconds(60),
                        at,
                        status == DeliveryLog.Status.DELIVERED ? at : null,
                        null);
        try (Connection c = postgres.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(DeliveryLog.UPSERT_DELIVERY)) {
            DeliveryLog.bind(ps, row);
            ps.executeUpdate();
        }
        for (int n = 1; n <= attempts; n++) {
            try (Connection c = postgres.dataSource().getConnection();
                    PreparedStatement ps = c.prepareStatement(DeliveryLog.UPSERT_ATTEMPT)) {
                DeliveryLog.bind(
                        ps,
                        new DeliveryLog.AttemptRow(
                                id,
                                n,
                                at.minusSeconds(attempts - n),
                                n == attempts && status == DeliveryLog.Status.DELIVERED ? 200 : 500,
                                null,
                                15,
                                "server said no"));
                ps.executeUpdate();
            }
        }
    }

    private Delivery deadLetter(String id, int attempts) {
        Delivery d = new Delivery();
        d.deliveryId = id;
        d.appId = app;
        d.endpoint = "sales";
        d.matchId = "m-" + id;
        d.rule = "big-order";
        d.body = "{\"id\":\"" + id + "\"}";
        d.attempts = attempts;
        d.ordered = true;
        return d;
    }

    @Test
    void listSelectsByStatusAndShowGivesEveryAttempt() throws Exception {
        log(app + "-f", DeliveryLog.Status.FAILED, 8, NOW.minusSeconds(30));
        log(app + "-d", DeliveryLog.Status.DELIVERED, 2, NOW.minusSeconds(20));

        assertThat(command.list(app, null, "failed", 50)).isZero();
        assertThat(out()).contains(app + "-f").doesNotContain(app + "-d");
        assertThat(command.list(app, null, "broken", 50)).isEqualTo(2);
        assertThat(err()).contains("--status must be one of");

        out.reset();
        assertThat(command.show(app + "-d")).isZero();
        assertThat(out())
                .contains("status:       delivered after 2 attempt(s)")
                .contains("attempts:     2")
                .contains("server said no")
                .contains("key key-" + app + "-d");
        assertThat(command.show("no-such")).isEqualTo(1);
    }

    @Test
    void aReplayGoesOutWithTheSameIdAndBodyAndCountsOn() throws Exception {
        String id = app + "-f";
        log(id, DeliveryLog.Status.FAILED, 8, NOW.minusSeconds(30));

        assertThat(command.replay(id)).as(err()).isZero();
        assertThat(sent).hasSize(1);
        Delivery d = sent.get(0);
        assertThat(d.deliveryId).isEqualTo(id);
        assertThat(d.body).isEqualTo("{\"type\":\"rule.matched\",\"id\":\"" + id + "\"}");
        assertThat(d.attempts).isEqualTo(8);
        assertThat(d.attemptsThisRound()).isZero();
        assertThat(d.key).isEqualTo("key-" + id);
        assertThat(out()).contains("attempt 9 goes out now");
        assertThat(new DeliveryQueries(postgres.dataSource()).find(id).orElseThrow().status())
                .isEqualTo("pending");

        assertThat(command.replay("no-such")).isEqualTo(1);
        assertThat(err()).contains("no delivery no-such");
        assertThat(sent).hasSize(1);
    }

    @Test
    void fromTheDlqTheNewestOfEachDeliveryGoesUnlessDeliveredSince() throws Exception {
        log(app + "-a", DeliveryLog.Status.FAILED, 9, NOW.minusSeconds(30));
        log(app + "-b", DeliveryLog.Status.DELIVERED, 9, NOW.minusSeconds(30));
        deadLetters.add(DeliveryCodec.write(deadLetter(app + "-a", 8)));
        deadLetters.add(DeliveryCodec.write(deadLetter(app + "-b", 8)));
        deadLetters.add(DeliveryCodec.write(deadLetter(app + "-a", 9)));
        deadLetters.add(DeliveryCodec.write(deadLetter(app + "-never-logged", 1)));
        deadLetters.add("not a delivery".getBytes(StandardCharsets.UTF_8));
        Delivery other = deadLetter("elsewhere", 8);
        other.appId = "another-app";
        deadLetters.add(DeliveryCodec.write(other));

        assertThat(command.replayFromDlq(app, "sales")).isZero();
        assertThat(sent)
                .extracting(d -> d.deliveryId, d -> d.attempts, d -> d.ordered)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(app + "-a", 9, false),
                        org.assertj.core.groups.Tuple.tuple(app + "-never-logged", 1, false));
        assertThat(sent).allSatisfy(d -> assertThat(d.attemptsThisRound()).isZero());
        assertThat(out())
                .contains("dead letters: 3")
                .contains("replayed 2, skipped 1")
                .contains("1 unreadable records");
    }

    @Test
    void recoverSendsWhatFailedSinceThenOldestFirst() throws Exception {
        log(app + "-old", DeliveryLog.Status.FAILED, 8, NOW.minusSeconds(7200));
        log(app + "-1", DeliveryLog.Status.FAILED, 8, NOW.minusSeconds(600));
        log(app + "-2", DeliveryLog.Status.REFUSED, 0, NOW.minusSeconds(300));
        log(app + "-ok", DeliveryLog.Status.DELIVERED, 1, NOW.minusSeconds(300));

        assertThat(command.recover(app, "sales", "1h")).as(err()).isZero();
        assertThat(sent).extracting(d -> d.deliveryId).containsExactly(app + "-1", app + "-2");
        assertThat(out()).contains(": 2; replayed 2");
        assertThat(command.recover(app, "sales", "yesterday")).isEqualTo(2);
        assertThat(err()).contains("neither an instant");
    }

    @Test
    void sinceIsAnInstantOrHowLongAgo() {
        assertThat(DeliveriesCommand.parseSince("2026-12-01T00:00:00Z", NOW))
                .isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(DeliveriesCommand.parseSince("2h", NOW)).isEqualTo(NOW.minusSeconds(7200));
        assertThatThrownBy(() -> DeliveriesCommand.parseSince("", NOW))
                .hasMessageContaining("say since when");
    }
}
