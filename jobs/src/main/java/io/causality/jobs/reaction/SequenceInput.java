package io.causality.jobs.reaction;

/**
 * An event on its way to the sequence matcher for one rule: keyed by the rule, the event's app and
 * the value of the rule's key path in the event, so that a sequence never spans two apps. A POJO,
 * so Flink serialises it without Kryo.
 */
public class SequenceInput {
    public String rule;

    /** The rule's version the evaluator saw; the matcher waits for it if it has an older one. */
    public int version;

    public String key;
    public String appId;
    public String eventId;

    /** The event as JSON text. */
    public String event;

    /** Event time, epoch millis. */
    public long time;

    public SequenceInput() {}

    SequenceInput(
            String rule,
            int version,
            String key,
            String appId,
            String eventId,
            String event,
            long time) {
        this.rule = rule;
        this.version = version;
        this.key = key;
        this.appId = appId;
        this.eventId = eventId;
        this.event = event;
        this.time = time;
    }

    /** What the matcher is keyed by: one NFA per rule, app and key. */
    String partitionKey() {
        return partitionKey(rule, appId, key);
    }

    static String partitionKey(String rule, String app, String key) {
        return rule + SEPARATOR + app + SEPARATOR + key;
    }

    /** Cannot be in a rule name or an app id. */
    static final char SEPARATOR = '\u0000';
}
