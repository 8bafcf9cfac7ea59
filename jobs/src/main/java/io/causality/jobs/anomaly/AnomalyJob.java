package io.causality.jobs.anomaly;

import io.causality.contracts.JobNames;
import io.causality.jobs.common.CommonOptions;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.DeadLetters;
import io.causality.jobs.common.EventRecord;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.JobStreams;
import io.causality.jobs.common.KafkaEndpoints;
import io.causality.jobs.common.RawRecord;
import io.causality.jobs.common.RuleUpdate;
import io.causality.jobs.common.UniqueEvents;
import io.causality.jobs.reaction.ReactionJob;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Runs the deployed detectors over the events: Kafka → read events → unique events (by app and
 * event id) → {@link DetectorWindows} keyed by app, with the detectors broadcast from the rules
 * topic. Each state change goes to the audit topic {@code causality.anomalies} and the actions of
 * firings and resolves to {@code causality.actions}, both exactly once, for the delivery job. Event
 * time follows the Kafka record times (when the ingest stored the event), and the wall clock on a
 * quiet partition, so that windows close and no-data alerts fire without new events.
 */
public final class AnomalyJob {
    private final AnomalySettings settings;
    private final Source<RawRecord, ?, ?> events;
    private final Source<RuleUpdate, ?, ?> rules;
    private final Sink<AnomalyRecord> anomalies;
    private final Sink<ActionRecord> actions;
    private final Sink<DeadLetter> deadLetters;

    /** An action on its way to the actions topic, keyed by its detector. */
    public static class ActionRecord {
        public String detector;
        public String json;

        public ActionRecord() {}

        ActionRecord(String detector, String json) {
            this.detector = detector;
            this.json = json;
        }
    }

    public AnomalyJob(
            AnomalySettings settings,
            Source<RawRecord, ?, ?> events,
            Source<RuleUpdate, ?, ?> rules,
            Sink<AnomalyRecord> anomalies,
            Sink<ActionRecord> actions,
            Sink<DeadLetter> deadLetters) {
        this.settings = settings;
        this.events = events;
        this.rules = rules;
        this.anomalies = anomalies;
        this.actions = actions;
        this.deadLetters = deadLetters;
    }

    public static AnomalyJob production(AnomalySettings settings) {
        return withEvents(settings, KafkaEndpoints.eventSource(settings.kafka()));
    }

    /** The production job reading its events from another source (tests start from earliest). */
    public static AnomalyJob withEvents(AnomalySettings settings, Source<RawRecord, ?, ?> events) {
        return new AnomalyJob(
                settings,
                events,
                ReactionJob.ruleSource(settings.kafka(), settings.rulesTopic()),
                KafkaEndpoints.exactlyOnce(
                        settings.kafka(),
                        json(
                                settings.anomaliesTopic(),
                                (AnomalyRecord a) -> a.detector,
                                a -> a.json),
                        settings.transactionalIdPrefix() + "-anomalies"),
                KafkaEndpoints.exactlyOnce(
                        settings.kafka(),
                        json(settings.actionsTopic(), (ActionRecord a) -> a.detector, a -> a.json),
                        settings.transactionalIdPrefix() + "-actions"),
                KafkaEndpoints.deadLetterSink(settings.kafka()));
    }

    private interface Text<T> extends java.io.Serializable {
        String of(T t);
    }

    private static <T> KafkaRecordSerializationSchema<T> json(
            String topic, Text<T> key, Text<T> value) {
        return (t, context, timestamp) ->
                new ProducerRecord<>(
                        topic,
                        key.of(t).getBytes(StandardCharsets.UTF_8),
                        value.of(t).getBytes(StandardCharsets.UTF_8));
    }

    public void build(StreamExecutionEnvironment env) {
        DataStream<RuleUpdate> detectors = JobStreams.rules(env, rules);
        SingleOutputStreamOperator<EventRecord> read =
                JobStreams.events(
                        env,
                        events,
                        settings.outOfOrderness(),
                        settings.idleness(),
                        DetectorWindows.JOB);
        SingleOutputStreamOperator<AnomalyRecord> changes =
                UniqueEvents.of(read, EventRecord.class, settings.dedupTtl())
                        .keyBy(e -> e.app, Types.STRING)
                        .connect(detectors.broadcast(DetectorWindows.DETECTORS))
                        .process(
                                new DetectorWindows(settings.groupExpiry()),
                                TypeInformation.of(AnomalyRecord.class))
                        .uid(DetectorWindows.UID)
                        .name("detect anomalies");
        read.getSideOutput(DeadLetters.TAG)
                .union(changes.getSideOutput(DeadLetters.TAG))
                .sinkTo(deadLetters)
                .uid("dead-letter-sink")
                .name("dead letters");
        changes.sinkTo(anomalies).uid("anomalies-sink").name("anomalies");
        changes.flatMap(
                        (AnomalyRecord a, Collector<ActionRecord> out) -> {
                            for (String json : a.actions) {
                                out.collect(new ActionRecord(a.detector, json));
                            }
                        },
                        TypeInformation.of(ActionRecord.class))
                .uid("split-actions")
                .name("actions of anomalies")
                .sinkTo(actions)
                .uid("actions-sink")
                .name("actions");
    }

    /** {@code flink run … [--kafka.bootstrap-servers …] [--anomaly.group-expiry 24h] …} */
    public static void main(String[] args) throws Exception {
        var conf = ParameterTool.fromArgs(args).getConfiguration();
        AnomalySettings settings = AnomalySettings.from(conf);
        StreamExecutionEnvironment env = JobEnvironment.create(settings.checkpointInterval());
        production(settings).build(env);
        env.execute(CommonOptions.jobName(conf, JobNames.ANOMALY));
    }
}
