package io.causality.jobs.common;

import java.time.Duration;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The first steps that the jobs reading events and rules share, with the same uids in each, so that
 * their savepoints keep one contract.
 */
public final class JobStreams {
    private JobStreams() {}

    /**
     * Events read from Kafka and checked ({@link EventReader}), event time from the Kafka record
     * times and the wall clock on a quiet partition ({@link QuietTimeWatermarks}).
     */
    public static SingleOutputStreamOperator<EventRecord> events(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            Duration outOfOrderness,
            Duration idleness,
            String job) {
        return env.fromSource(
                        source,
                        QuietTimeWatermarks.<RawRecord>strategy(outOfOrderness, idleness),
                        "events")
                .uid("events-source")
                .process(new EventReader(job))
                .uid(EventReader.UID)
                .name("read events");
    }

    /** The rules topic's records, which never hold back event time ({@link RulesTime}). */
    public static DataStream<RuleUpdate> rules(
            StreamExecutionEnvironment env, Source<RuleUpdate, ?, ?> source) {
        return env.fromSource(source, RulesTime.strategy(), "rules")
                .uid("rules-source")
                .name("rules");
    }
}
