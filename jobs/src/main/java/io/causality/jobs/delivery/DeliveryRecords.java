package io.causality.jobs.delivery;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.contracts.DeadLetterHeaders;
import io.causality.schemas.Timestamps;
import io.causality.webhooks.Delivery;
import io.causality.webhooks.DeliveryCodec;
import io.causality.webhooks.DeliveryLog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

/** What an {@link Outcome} writes: delivery-log rows, retry records and dead letters. */
final class DeliveryRecords {
    private DeliveryRecords() {}

    static DeliveryLog.DeliveryRow deliveryRow(Outcome o) {
        Delivery d = o.delivery;
        DeliveryLog.Status status =
                switch (o.result) {
                    case DELIVERED -> DeliveryLog.Status.DELIVERED;
                    case RETRY -> DeliveryLog.Status.RETRYING;
                    case FAILED, GONE -> DeliveryLog.Status.FAILED;
                    case REFUSED -> DeliveryLog.Status.REFUSED;
                    case DEFERRED -> DeliveryLog.Status.PENDING;
                };
        String error =
                o.endpointDisabled == null
                        ? o.error
                        : (o.error == null ? "" : o.error + "; ")
                                + "endpoint disabled: "
                                + o.endpointDisabled;
        Instant now = Instant.now();
        return new DeliveryLog.DeliveryRow(
                d.deliveryId,
                d.appId,
                d.endpoint,
                d.deliveryId,
                d.matchId,
                d.key,
                d.rule,
                d.ruleVersion,
                d.body,
                status,
                d.attempts,
                o.status,
                error,
                o.attempted ? o.latencyMillis : null,
                Instant.ofEpochMilli(
                        d.firstSeenMillis == 0 ? now.toEpochMilli() : d.firstSeenMillis),
                now,
                o.result == Outcome.Result.DELIVERED ? Instant.ofEpochMilli(o.startedMillis) : null,
                o.result == Outcome.Result.RETRY ? Instant.ofEpochMilli(o.nextDueMillis) : null);
    }

    static DeliveryLog.AttemptRow attemptRow(Outcome o) {
        return new DeliveryLog.AttemptRow(
                o.delivery.deliveryId,
                o.delivery.attempts,
                Instant.ofEpochMilli(o.startedMillis),
                o.status,
                o.error,
                o.latencyMillis,
                o.responseHead);
    }

    /** Whether the outcome puts a record on the retry topic. */
    static boolean toRetryTopic(Outcome o) {
        return o.result == Outcome.Result.RETRY
                || o.result == Outcome.Result.DEFERRED
                || (o.isFinal() && o.delivery.ordered);
    }

    static boolean dead(Outcome o) {
        return o.result == Outcome.Result.FAILED
                || o.result == Outcome.Result.REFUSED
                || o.result == Outcome.Result.GONE;
    }

    /** The next turn of a delivery, or the release of its ordered lane; keyed by lane. */
    static KafkaRecordSerializationSchema<Outcome> retries(String topic) {
        return (o, context, timestamp) -> {
            Delivery d;
            if (o.isFinal()) {
                d = o.delivery.done();
            } else {
                d = o.delivery.copy();
                d.dueAtMillis = o.nextDueMillis;
            }
            return new ProducerRecord<>(
                    topic, d.lane().getBytes(StandardCharsets.UTF_8), DeliveryCodec.write(d));
        };
    }

    /**
     * How a delivery ended, for the audit topic and the lake's {@code deliveries} table
     * (decisions/delivery.json): keyed by delivery id.
     */
    static KafkaRecordSerializationSchema<Outcome> endings(String topic) {
        return (o, context, timestamp) ->
                new ProducerRecord<>(
                        topic,
                        o.delivery.deliveryId.getBytes(StandardCharsets.UTF_8),
                        endingJson(deliveryRow(o)).getBytes(StandardCharsets.UTF_8));
    }

    static String endingJson(DeliveryLog.DeliveryRow row) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("delivery_id", row.deliveryId());
        o.put("app_id", row.appId());
        o.put("endpoint", row.endpoint());
        o.put("match_id", row.matchId());
        o.put("rule", row.rule());
        o.put("version", row.ruleVersion());
        o.put("key", row.matchKey());
        o.put("status", row.status().name().toLowerCase(java.util.Locale.ROOT));
        o.put("attempts", row.attempts());
        o.put("status_code", row.lastStatusCode());
        o.put("error", row.lastError());
        o.put("latency_ms", row.lastLatencyMillis());
        o.put("created_at", Timestamps.format(row.createdAt()));
        o.put("time", Timestamps.format(row.updatedAt()));
        return o.toString();
    }

    /** A delivery given up, with every attempt and why: replayable with its webhook-id. */
    static KafkaRecordSerializationSchema<Outcome> deadLetters(String topic) {
        return (o, context, timestamp) -> {
            ProducerRecord<byte[], byte[]> r =
                    new ProducerRecord<>(
                            topic,
                            o.delivery.deliveryId.getBytes(StandardCharsets.UTF_8),
                            DeliveryCodec.write(o.delivery));
            String reason =
                    switch (o.result) {
                        case FAILED ->
                                "failed after " + o.delivery.attempts + " attempts: " + o.error;
                        case GONE -> "the endpoint answered 410 Gone and was disabled";
                        default -> "refused: " + o.error;
                    };
            r.headers()
                    .add(
                            new RecordHeader(
                                    DeadLetterHeaders.REASON,
                                    reason.getBytes(StandardCharsets.UTF_8)));
            r.headers()
                    .add(
                            new RecordHeader(
                                    DeadLetterHeaders.JOB,
                                    DeliveryJob.NAME.getBytes(StandardCharsets.UTF_8)));
            return r;
        };
    }
}
