package io.causality.stack;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/** The topics of DESIGN.md, with the partitioning and retention each needs. */
public final class Topics {
    public static final String EVENTS = "causality.events";
    public static final String EVENTS_DLQ = "causality.events.dlq";
    public static final String RULES = "causality.rules";
    public static final String ACTIONS = "causality.actions";
    public static final String RULE_MATCHES = "causality.rule-matches";
    public static final String ANOMALIES = "causality.anomalies";
    public static final String DELIVERIES_DLQ = "causality.deliveries.dlq";

    private Topics() {}

    public static List<NewTopic> all() {
        return List.of(
                new NewTopic(EVENTS, 3, (short) 1),
                new NewTopic(EVENTS_DLQ, 1, (short) 1),
                new NewTopic(RULES, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                new NewTopic(ACTIONS, 3, (short) 1),
                new NewTopic(RULE_MATCHES, 1, (short) 1),
                new NewTopic(ANOMALIES, 1, (short) 1),
                new NewTopic(DELIVERIES_DLQ, 1, (short) 1));
    }
}
