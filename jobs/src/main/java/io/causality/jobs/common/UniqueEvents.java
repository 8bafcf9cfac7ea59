package io.causality.jobs.common;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The unique-events step every job has, in the same place (right after its events are read) and
 * with the same key ({@link UniqueEvent#key}): the first event of each (app, event id) passes,
 * later ones are dropped and counted, so a client's retry or a replay counts once.
 */
public final class UniqueEvents {
    /** The operator's uid, the same in every job (its state holds the ids seen). */
    public static final String UID = "dedup";

    private UniqueEvents() {}

    public static <T extends UniqueEvent> SingleOutputStreamOperator<T> of(
            DataStream<T> events, Class<T> type, Duration ttl) {
        KeySelector<T, String> byAppAndId = e -> UniqueEvent.key(e.appId(), e.eventId());
        return events.keyBy(byAppAndId, Types.STRING)
                .process(new Deduplicator<T>(ttl))
                .returns(type)
                .uid(UID)
                .name("unique events");
    }
}
