package io.causality.jobs.common;

import java.io.Serializable;

/** Where a job reads its events and sends its dead letters. */
public record KafkaSettings(
        String bootstrapServers, String eventsTopic, String dlqTopic, String groupId)
        implements Serializable {

    public static KafkaSettings read(SettingsReader r, String defaultGroup) {
        return new KafkaSettings(
                r.nonBlank(CommonOptions.BOOTSTRAP_SERVERS),
                r.nonBlank(CommonOptions.EVENTS_TOPIC),
                r.nonBlank(CommonOptions.DLQ_TOPIC),
                r.nonBlank(CommonOptions.groupId(defaultGroup)));
    }
}
