package io.causality.jobs.reaction;

import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.Deduplicator;
import io.causality.jobs.common.EventIdKey;
import io.causality.jobs.common.JobEnvironment;
import io.causality.jobs.common.KafkaEndpoints;
import io.causality.jobs.common.RawRecord;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
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
 * Runs the deployed rules over the events: rule updates from the rules topic are broadcast to every
 * instance and take effect without a restart; each match goes to the audit topic and its actions to
 * the actions topic, both exactly once (Kafka transactions committed on checkpoints).
 */
public final class ReactionJob {
    /**
     * A transaction stays open from one checkpoint to the next; brokers refuse timeouts above their
     * transaction.max.timeout.ms (15 min by default), and the sink's own default is 1 h.
     */
    static final String TRANSACTION_TIMEOUT_MS =
            Long.toString(java.time.Duration.ofMinutes(10).toMillis());

    private final Source<RawRecord, ?, ?> events;
    private final Source<RuleUpdate, ?, ?> rules;
    private final Sink<RuleMatch> matches;
    private final Sink<MatchRecords.ActionRecord> actions;
    private final Sink<DeadLetter> deadLetters;
    private Duration outOfOrderness = ReactionOptions.OUT_OF_ORDERNESS.defaultValue();
    private Duration idleness = ReactionOptions.IDLENESS.defaultValue();
    private Duration dedupTtl = ReactionOptions.DEDUP_TTL.defaultValue();

    /** How long an event id is remembered, so that a retried or replayed event counts once. */
    public ReactionJob withDedupTtl(Duration ttl) {
        this.dedupTtl = ttl;
        return this;
    }

    /** How event time advances: out-of-orderness and idleness of the events' watermarks. */
    public ReactionJob withWatermarks(Duration outOfOrderness, Duration idleness) {
        this.outOfOrderness = outOfOrderness;
        this.idleness = idleness;
        return this;
    }

    public ReactionJob(
            Source<RawRecord, ?, ?> events,
            Source<RuleUpdate, ?, ?> rules,
            Sink<RuleMatch> matches,
            Sink<MatchRecords.ActionRecord> actions,
            Sink<DeadLetter> deadLetters) {
        this.events = events;
        this.rules = rules;
        this.matches = matches;
        this.actions = actions;
        this.deadLetters = deadLetters;
    }

    /** Adds the pipeline to the environment. */
    public void build(StreamExecutionEnvironment env) {
        BroadcastStream<RuleUpdate> ruleStream =
                env.fromSource(rules, RulesTime.strategy(), "rules")
                        .uid("rules-source")
                        .name("rules")
                        .broadcast(RuleEvaluator.RULES);
        // Event time for sequences comes from the Kafka record times (when the ingest stored the
        // event), and from the wall clock on a quiet partition; an event whose own timestamp is
        // older than the watermark is late for them.
        // A client's retry or a replay must count once, in sequences ("5 times") above all.
        SingleOutputStreamOperator<RuleMatch> perEvent =
                env.fromSource(
                                events,
                                QuietTimeWatermarks.<RawRecord>strategy(outOfOrderness, idleness),
                                "events")
                        .uid("events-source")
                        .keyBy(new EventIdKey())
                        .process(new Deduplicator<RawRecord>(dedupTtl))
                        .returns(RawRecord.class)
                        .uid("dedup")
                        .name("drop duplicate event ids")
                        .connect(ruleStream)
                        .process(new RuleEvaluator())
                        .uid("evaluate-rules")
                        .name("evaluate rules");
        perEvent.getSideOutput(RuleEvaluator.DEAD_LETTERS)
                .sinkTo(deadLetters)
                .uid("dead-letter-sink")
                .name("dead letters");
        SingleOutputStreamOperator<RuleMatch> sequences =
                perEvent.getSideOutput(RuleEvaluator.SEQUENCE_EVENTS)
                        .keyBy(SequenceInput::partitionKey)
                        .connect(ruleStream)
                        .process(new SequenceMatcher())
                        .uid("match-sequences")
                        .name("match sequences");
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
    public static KafkaSource<RuleUpdate> ruleSource(Configuration config) {
        return KafkaSource.<RuleUpdate>builder()
                .setBootstrapServers(config.get(ReactionOptions.BOOTSTRAP_SERVERS))
                .setTopics(config.get(ReactionOptions.RULES_TOPIC))
                .setGroupId(config.get(ReactionOptions.GROUP_ID) + "-rules")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RuleUpdateDeserializer())
                // A deploy is one transaction: apply it whole or not yet.
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    public static KafkaSink<RuleMatch> matchSink(Configuration config) {
        return exactlyOnce(
                config, MatchRecords.matches(config.get(ReactionOptions.MATCHES_TOPIC)), "matches");
    }

    public static KafkaSink<MatchRecords.ActionRecord> actionSink(Configuration config) {
        return exactlyOnce(
                config, MatchRecords.actions(config.get(ReactionOptions.ACTIONS_TOPIC)), "actions");
    }

    /** A transactional sink; each gets its own transactional ids under the job's prefix. */
    private static <T> KafkaSink<T> exactlyOnce(
            Configuration config,
            org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> records,
            String name) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.get(ReactionOptions.BOOTSTRAP_SERVERS))
                .setRecordSerializer(records)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(
                        config.get(ReactionOptions.TRANSACTIONAL_ID_PREFIX) + "-" + name)
                .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
                .build();
    }

    /** {@code flink run … [--kafka.bootstrap-servers …] [--checkpoint.interval 10s] …} */
    public static void main(String[] args) throws Exception {
        Configuration config = ParameterTool.fromArgs(args).getConfiguration();
        StreamExecutionEnvironment env =
                JobEnvironment.create(config.get(ReactionOptions.CHECKPOINT_INTERVAL));
        new ReactionJob(
                        KafkaEndpoints.eventSource(config, config.get(ReactionOptions.GROUP_ID)),
                        ruleSource(config),
                        matchSink(config),
                        actionSink(config),
                        KafkaEndpoints.deadLetterSink(config))
                .withWatermarks(
                        config.get(ReactionOptions.OUT_OF_ORDERNESS),
                        config.get(ReactionOptions.IDLENESS))
                .withDedupTtl(config.get(ReactionOptions.DEDUP_TTL))
                .build(env);
        env.execute("causality-reaction");
    }
}
