package io.causality.jobs.delivery;

import io.causality.contracts.JobNames;
import io.causality.jobs.common.DeadLetters;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.KafkaEndpoints;
import io.causality.jobs.common.KafkaSettings;
import io.causality.jobs.common.RawRecord;
import io.causality.webhooks.Delivery;
import io.causality.webhooks.DeliveryLog;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * Delivers the actions: Kafka (actions, read_committed) → read actions → scheduled per lane (app,
 * endpoint, match key) → sent with async I/O → outcomes. {@code emit} actions go to their topics
 * exactly once. Every delivery and attempt is upserted into the delivery log in PostgreSQL; a
 * delivery to try again later, or held back by its endpoint's gate, goes round through the retry
 * topic and waits in keyed timers; one given up goes to the deliveries dead-letter topic with all
 * its attempts. Webhooks are at least once, with a stable {@code webhook-id} for receivers to
 * deduplicate.
 */
public final class DeliveryJob {
    static final String NAME = JobNames.DELIVERY;

    private final DeliverySettings settings;
    private final Source<RawRecord, ?, ?> actions;
    private final Source<RawRecord, ?, ?> retries;

    public DeliveryJob(
            DeliverySettings settings,
            Source<RawRecord, ?, ?> actions,
            Source<RawRecord, ?, ?> retries) {
        this.settings = settings;
        this.actions = actions;
        this.retries = retries;
    }

    /** The job with the Kafka sources the settings name. */
    public static DeliveryJob production(DeliverySettings settings) {
        KafkaSettings k = settings.kafka();
        return new DeliveryJob(
                settings,
                KafkaEndpoints.eventSource(k),
                KafkaEndpoints.eventSource(
                        new KafkaSettings(
                                k.bootstrapServers(),
                                settings.retryTopic(),
                                k.dlqTopic(),
                                k.groupId() + "-retries")));
    }

    public void build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<Delivery> read =
                env.fromSource(actions, WatermarkStrategy.noWatermarks(), "actions")
                        .uid("actions-source")
                        .process(new ActionReader(settings.kafka().bootstrapServers()))
                        .uid(ActionReader.UID)
                        .name("read actions");
        SingleOutputStreamOperator<Delivery> again =
                env.fromSource(retries, WatermarkStrategy.noWatermarks(), "retries")
                        .uid("retries-source")
                        .process(new RetryReader())
                        .uid(RetryReader.UID)
                        .name("read retries");
        read.getSideOutput(DeadLetters.TAG)
                .union(again.getSideOutput(DeadLetters.TAG))
                .sinkTo(KafkaEndpoints.deadLetterSink(settings.kafka()))
                .uid("dead-letter-sink")
                .name("dead letters");
        read.getSideOutput(ActionReader.EMITS)
                .sinkTo(
                        KafkaEndpoints.exactlyOnce(
                                settings.kafka(),
                                EmitRecord.serializer(),
                                settings.transactionalIdPrefix() + "-emits"))
                .uid("emit-sink")
                .name("emitted");
        DataStream<Delivery> due =
                read.union(again)
                        .keyBy(Delivery::endpointKey, Types.STRING)
                        .process(new LaneScheduler(settings))
                        .uid(LaneScheduler.UID)
                        .name("schedule deliveries");
        SingleOutputStreamOperator<Outcome> outcomes =
                AsyncDataStream.unorderedWait(
                                due,
                                new WebhookDelivery(settings),
                                settings.timeout().toMillis() + 5_000,
                                TimeUnit.MILLISECONDS,
                                settings.capacity())
                        .uid(WebhookDelivery.UID)
                        .name("send webhooks");
        outcomes.filter(o -> o.result != Outcome.Result.DEFERRED)
                .uid("logged-deliveries")
                .name("deliveries to log")
                .sinkTo(
                        jdbc(
                                "delivery log",
                                DeliveryLog.UPSERT_DELIVERY,
                                (ps, o) -> DeliveryLog.bind(ps, DeliveryRecords.deliveryRow(o))))
                .uid("delivery-log-sink")
                // Its own thread: a batch written to PostgreSQL never holds up the sending.
                .disableChaining()
                .name("delivery log");
        outcomes.filter(o -> o.attempted)
                .uid("logged-attempts")
                .name("attempts to log")
                .sinkTo(
                        jdbc(
                                "attempt log",
                                DeliveryLog.UPSERT_ATTEMPT,
                                (ps, o) -> DeliveryLog.bind(ps, DeliveryRecords.attemptRow(o))))
                .uid("attempt-log-sink")
                .disableChaining()
                .name("attempt log");
        outcomes.filter(DeliveryRecords::toRetryTopic)
                .uid("next-turns")
                .name("next turns")
                .sinkTo(
                        KafkaEndpoints.atLeastOnce(
                                settings.kafka(), DeliveryRecords.retries(settings.retryTopic())))
                .uid("retry-sink")
                .name("retries");
        outcomes.filter(Outcome::isFinal)
                .uid("ended")
                .name("ended")
                .sinkTo(
                        KafkaEndpoints.exactlyOnce(
                                settings.kafka(),
                                DeliveryRecords.endings(settings.deliveriesTopic()),
                                settings.transactionalIdPrefix() + "-deliveries"))
                .uid("deliveries-sink")
                .name("deliveries");
        outcomes.filter(DeliveryRecords::dead)
                .uid("given-up")
                .name("given up")
                .sinkTo(
                        KafkaEndpoints.atLeastOnce(
                                settings.kafka(),
                                DeliveryRecords.deadLetters(settings.deliveriesDlqTopic())))
                .uid("deliveries-dlq-sink")
                .name("deliveries dead letters");
    }

    /** At least once, batched: every statement is an idempotent upsert. */
    private Sink<Outcome> jdbc(
            String name,
            String sql,
            org.apache.flink.connector.jdbc.JdbcStatementBuilder<Outcome> bind) {
        JdbcConnectionOptions.JdbcConnectionOptionsBuilder connection =
                new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                        .withUrl(settings.dbUrl())
                        .withDriverName("org.postgresql.Driver")
                        .withUsername(settings.dbUser());
        if (settings.dbPasswordFile() != null && !settings.dbPasswordFile().isBlank()) {
            connection.withPassword(
                    DeliveryResources.read(settings.dbPasswordFile(), "db.password-file"));
        }
        return new DeliveryLogSink<>(
                JdbcSink.<Outcome>builder()
                        .withQueryStatement(sql, bind)
                        .withExecutionOptions(
                                JdbcExecutionOptions.builder()
                                        .withBatchSize(500)
                                        .withBatchIntervalMs(200)
                                        .withMaxRetries(5)
                                        .build())
                        .buildAtLeastOnce(connection.build()),
                name);
    }

    /**
     * {@code flink run … --db.url … --delivery.secret-key-file … [--delivery.allowed-networks …]}
     */
    public static void main(String[] args) throws Exception {
        DeliverySettings settings =
                DeliverySettings.from(ParameterTool.fromArgs(args).getConfiguration());
        StreamExecutionEnvironment env =
                JobEnvironment.createLowLatency(settings.checkpointInterval());
        production(settings).build(env);
        env.execute(JobNames.DELIVERY);
    }
}
