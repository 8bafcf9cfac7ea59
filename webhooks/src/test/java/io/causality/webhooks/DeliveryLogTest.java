package io.causality.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeliveryLogTest {
    private static TestPostgres postgres;
    private static DataSource db;
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    @BeforeAll
    static void start() throws Exception {
        postgres = TestPostgres.start();
        db = postgres.dataSource();
        SchemaMigrations.apply(db);
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    private static DeliveryLog.DeliveryRow row(
            String id, DeliveryLog.Status status, int attempts, Integer code) {
        return new DeliveryLog.DeliveryRow(
                id,
                "shop",
                "sales",
                id,
                "m1",
                "device-1",
                "big-order",
                3,
                "{\"type\":\"rule.matched\"}",
                status,
                attempts,
                code,
                code == null || code < 300 ? null : "answered " + code,
                12L,
                T0,
                T0.plusSeconds(attempts),
                status == DeliveryLog.Status.DELIVERED ? T0.plusSeconds(attempts) : null,
                null);
    }

    private static void write(DeliveryLog.DeliveryRow r) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(DeliveryLog.UPSERT_DELIVERY)) {
            DeliveryLog.bind(ps, r);
            ps.executeUpdate();
        }
    }

    private static void write(DeliveryLog.AttemptRow r) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(DeliveryLog.UPSERT_ATTEMPT)) {
            DeliveryLog.bind(ps, r);
            ps.executeUpdate();
        }
    }

    private static String query(String sql) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            StringBuilder out = new StringBuilder();
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.append('\n');
            }
            return out.toString();
        }
    }

    @Test
    void aDeliveryIsOneRowHoweverOftenItIsWritten() throws Exception {
        write(row("d1", DeliveryLog.Status.PENDING, 0, null));
        write(row("d1", DeliveryLog.Status.RETRYING, 1, 503));
        write(row("d1", DeliveryLog.Status.RETRYING, 1, 503));
        write(row("d1", DeliveryLog.Status.DELIVERED, 2, 200));
        assertThat(
                        query(
                                "SELECT status, attempts, last_status_code FROM webhook_deliveries WHERE delivery_id = 'd1'"))
                .isEqualTo("delivered|2|200\n");
    }

    @Test
    void anOlderStateWrittenAgainAfterARestartNeverWinsOverANewerOne() throws Exception {
        write(row("d2", DeliveryLog.Status.DELIVERED, 2, 200));
        write(row("d2", DeliveryLog.Status.RETRYING, 1, 503));
        write(row("d2", DeliveryLog.Status.PENDING, 0, null));
        assertThat(
                        query(
                                "SELECT status, attempts, delivered_at IS NOT NULL FROM webhook_deliveries WHERE delivery_id = 'd2'"))
                .isEqualTo("delivered|2|t\n");
        // A replay goes on counting: attempt 3 of the same delivery id.
        write(row("d2", DeliveryLog.Status.RETRYING, 3, 500));
        assertThat(
                        query(
                                "SELECT status, attempts, delivered_at IS NOT NULL FROM webhook_deliveries WHERE delivery_id = 'd2'"))
                .as("the first delivery time stays")
                .isEqualTo("retrying|3|t\n");
    }

    @Test
    void anAttemptIsOneRowPerNumberWithItsTextCut() throws Exception {
        DeliveryLog.AttemptRow a =
                new DeliveryLog.AttemptRow(
                        "d3", 1, T0, 500, "answered 500", 40, "x".repeat(5000) + "\0");
        write(a);
        write(a);
        write(new DeliveryLog.AttemptRow("d3", 2, T0.plusSeconds(5), 200, null, 30, "ok"));
        assertThat(
                        query(
                                "SELECT attempt, status_code, length(response_head) FROM webhook_attempts WHERE delivery_id = 'd3' ORDER BY attempt"))
                .isEqualTo("1|500|2048\n2|200|2\n");
    }

    @Test
    void aFailedDeliveryIsFoundListedAndRebuiltForAReplayThatCountsOn() throws Exception {
        write(row("q1", DeliveryLog.Status.RETRYING, 1, 503));
        write(row("q1", DeliveryLog.Status.FAILED, 8, 500));
        write(row("q2", DeliveryLog.Status.DELIVERED, 1, 200));
        var queries = new DeliveryQueries(db);

        var failed = queries.list(new DeliveryQueries.Filter("shop", "sales", "failed", null, 50));
        assertThat(failed)
                .extracting(DeliveryQueries.Row::deliveryId)
                .contains("q1")
                .doesNotContain("q2");
        DeliveryQueries.Row q1 = queries.find("q1").orElseThrow();
        assertThat(q1.body())
                .as("the body of the first row stays")
                .isEqualTo("{\"type\":\"rule.matched\"}");
        assertThat(q1.matchKey()).isEqualTo("device-1");
        assertThat(q1.ruleVersion()).isEqualTo(3);
        assertThat(queries.find("nope")).isEmpty();
        assertThat(queries.undeliveredSince("shop", "sales", T0))
                .extracting(DeliveryQueries.Row::deliveryId)
                .contains("q1")
                .doesNotContain("q2");
        assertThat(queries.undeliveredSince("shop", "sales", T0.plusSeconds(3600))).isEmpty();

        Delivery again = DeliveryQueries.replayOf(q1).orElseThrow();
        assertThat(again.deliveryId).isEqualTo("q1");
        assertThat(again.kind).isEqualTo(Delivery.Kind.SEND);
        assertThat(again.attempts).isEqualTo(8);
        assertThat(again.attemptsThisRound()).as("a new round of the schedule").isZero();
        assertThat(again.lane()).isEqualTo("shop\nsales\ndevice-1");
        assertThat(again.body).isEqualTo(q1.body());

        assertThat(queries.markReplayed("q1", T0.plusSeconds(100))).isTrue();
        assertThat(queries.find("q1").orElseThrow().status()).isEqualTo("pending");
        // The job's next row has one more attempt, so it wins over the mark.
        write(row("q1", DeliveryLog.Status.DELIVERED, 9, 200));
        assertThat(queries.find("q1").orElseThrow().status()).isEqualTo("delivered");
        assertThat(queries.markReplayed("nope", T0)).isFalse();
    }

    @Test
    void theAttemptsOfADeliveryComeInOrder() throws Exception {
        write(new DeliveryLog.AttemptRow("q3", 2, T0.plusSeconds(5), 200, null, 30, "ok"));
        write(new DeliveryLog.AttemptRow("q3", 1, T0, null, "connect timed out", 15000, null));
        assertThat(new DeliveryQueries(db).attempts("q3"))
                .extracting(DeliveryLog.AttemptRow::attempt, DeliveryLog.AttemptRow::statusCode)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, null),
                        org.assertj.core.groups.Tuple.tuple(2, 200));
    }
}
