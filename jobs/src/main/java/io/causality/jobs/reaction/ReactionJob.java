package io.causality.jobs.reaction;

import io.causality.contracts.JobNames;
import io.causality.jobs.common.CommonOptions;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.DeadLetters;
import io.causality.jobs.common.EventRecord;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.JobStreams;
import io.causality.jobs.common.KafkaEndpoints;
import io.causality.jobs.common.KafkaSettings;
import io.causality.jobs.common.RawRecord;
import io.causality.jobs.common.RuleUpdate;
import io.causality.jobs.common.RuleUpdateDeserializer;
import io.causality.jobs.common.UniqueEvents;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.flink.util.ParameterTool;

/**
 * Runs the deployed rules over the events: Kafka → read events → unique events (by app and event
 * id) → per-event rules, and events for sequence rules on to the sequence matcher keyed by (rule,
 * app, key). Rule updates from the rules topic are broadcast to both and take effect without a
 * restart; each match goes to the audit topic and its actions to the actions topic, both exactly
 * once (Kafka transactions committed on checkpoints). Dead letters of every step go to one topic;
 * what the job says about suspended or refused rules to the rule-status topic.
 */
public final class ReactionJob {
    private final ReactionSettings settings;
    private final Source<RawRecord, ?, ?> events;
    private final Source<RuleUpdate, ?, ?> rules;
    private final Sink<RuleMatch> matches;
    private final Sink<MatchRecords.ActionRecord> actions;
    private final Sink<DeadLetter> deadLetters;
    private final Sink<RuleStatusRecord> statuses;

    public ReactionJob(
            ReactionSettings settings,
            Source<RawRecord, ?, ?> events,
            Source<RuleUpdate, ?, ?> rules,
            Sink<RuleMatch> matches,
            Sink<MatchRecords.ActionRecord> actions,
            Sink<DeadLetter> deadLetters,
            Sink<RuleStatusRecord> statuses) {
        this.settings = settings;
        this.events = events;
        this.rules = rules;
        this.matches = matches;
        this.actions = actions;
        this.deadLetters = deadLetters;
        this.statuses = statuses;
    }

    /** The job with the Kafka sources and sinks the settings name. */
    public static ReactionJob production(ReactionSettings settings) {
        return withEvents(settings, KafkaEndpoints.eventSource(settings.kafka()));
    }

    /** The production job reading its events from another source (tests start from earliest). */
    public static ReactionJob withEvents(
            ReactionSettings settings, Source<RawRecord, ?, ?> events) {
        return new ReactionJob(
                settings,
                events,
                ruleSource(settings),
                matchSink(settings),
                actionSink(settings),
                KafkaEndpoints.deadLetterSink(settings.kafka()),
                statusSink(settings));
    }

    /** Adds the pipeline to the environment. */
    public void build(StreamExecutionEnvironment env) {
        DataStream<RuleUpdate> ruleRecords = JobStreams.rules(env, rules);
        BroadcastStream<RuleUpdate> ruleStream =
                ruleRecords.broadcast(RuleEvaluator.RULES, RuleEvaluator.RULES_READ);
        // Event time for sequences comes from the Kafka record times (when the ingest stored the
        // event), and from the wall clock on a quiet partition; an event whose own timestamp is
        // older than the watermark is late for them.
        SingleOutputStreamOperator<EventRecord> read =
                JobStreams.events(
                        env,
                        events,
                        settings.outOfOrderness(),
                        settings.idleness(),
                        RuleRuntime.JOB);
        // A client's retry or a replay must count once, in sequences ("5 times") above all.
        RuleEvaluator evaluator =
                new RuleEvaluator(
                        settings.limits(),
                        RulesTopicEnd.kafka(
                                settings.kafka().bootstrapServers(), settings.rulesTopic()));
        // Flink's broadcast operator, connected by hand so that it can hold event time back
        // while the evaluator holds events for the rules topic at start.
        SingleOutputStreamOperator<RuleMatch> perEvent =
                UniqueEvents.of(read, EventRecord.class, settings.dedupTtl())
                        .connect(ruleRecords.broadcast())
                        .transform(
                                "evaluate rules",
                                TypeInformation.of(RuleMatch.class),
                                new HoldingBroadcastOperator(
                                        evaluator,
                                        List.of(RuleEvaluator.RULES, RuleEvaluator.RULES_READ)))
                        .uid(RuleEvaluator.UID);
        SingleOutputStreamOperator<RuleMatch> sequences =
                perEvent.getSideOutput(RuleEvaluator.SEQUENCE_EVENTS)
                        .keyBy(SequenceInput::partitionKey, Types.STRING)
                        .connect(ruleStream)
                        .process(new SequenceMatcher(settings.limits()))
                        .uid(SequenceMatcher.UID)
                        .name("match sequences");
        read.getSideOutput(DeadLetters.TAG)
                .union(
                        perEvent.getSideOutput(DeadLetters.TAG),
                        sequences.getSideOutput(DeadLetters.TAG))
                .sinkTo(deadLetters)
                .uid("dead-letter-sink")
                .name("dead letters");
        perEvent.getSideOutput(RuleStatusRecord.TAG)
                .union(sequences.getSideOutput(RuleStatusRecord.TAG))
                .sinkTo(statuses)
                .uid("rule-status-sink")
                .name("rule status");
        DataStream<RuleMatch> matched = perEvent.union(sequences);
        matched.sinkTo(matches).uid("matches-sink").name("rule matches");
        matched.flatMap(
                        (RuleMatch m, Collector<MatchRecords.ActionRecord> out) -> {
                            for (String a : m.actions) {
                                out.collect(new MatchRecords.ActionRecord(m.rule, a));
                            }
                        },
                        TypeInformation.of(MatchRecords.ActionRecord.class))
                .uid("split-actions")
                .name("actions of matches")
                .sinkTo(actions)
                .uid("actions-sink")
                .name("actions");
    }

    /** The rules topic, always from its start: the broadcast state is rebuilt from it. */
    public static KafkaSource<RuleUpdate> ruleSource(ReactionSettings settings) {
        return ruleSource(settings.kafka(), settings.rulesTopic());
    }

    /** The rules topic for any job that runs what is deployed there (rules, detectors). */
    public static KafkaSource<RuleUpdate> ruleSource(KafkaSettings kafka, String rulesTopic) {
        return KafkaSource.<RuleUpdate>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(rulesTopic)
                .setGroupId(kafka.groupId() + "-rules")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RuleUpdateDeserializer())
                // A deploy is one transaction: apply it whole or not yet.
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    public static KafkaSink<RuleMatch> matchSink(ReactionSettings settings) {
        return KafkaEndpoints.exactlyOnce(
                settings.kafka(),
                MatchRecords.matches(settings.matchesTopic()),
                settings.transactionalIdPrefix() + "-matches");
    }

    public static KafkaSink<MatchRecords.ActionRecord> actionSink(ReactionSettings settings) {
        return KafkaEndpoints.exactlyOnce(
                settings.kafka(),
                MatchRecords.actions(settings.actionsTopic()),
                settings.transactionalIdPrefix() + "-actions");
    }

    /** At least once: a status written twice says the same. */
    public static KafkaSink<RuleStatusRecord> statusSink(ReactionSettings settings) {
        return KafkaEndpoints.atLeastOnce(
                settings.kafka(), RuleStatusRecord.serializer(settings.ruleStatusTopic()));
    }

    /** {@code flink run … [--kafka.bootstrap-servers …] [--checkpoint.interval 10s] …} */
    public static void main(String[] args) throws Exception {
        var conf = ParameterTool.fromArgs(args).getConfiguration();
        ReactionSettings settings = ReactionSettings.from(conf);
        StreamExecutionEnvironment env =
                JobEnvironment.createLowLatency(settings.checkpointInterval());
        production(settings).build(env);
        env.execute(CommonOptions.jobName(conf, JobNames.REACTION));
    }
}
