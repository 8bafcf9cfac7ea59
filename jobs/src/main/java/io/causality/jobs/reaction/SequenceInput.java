package io.causality.jobs.reaction;

/**
 * An event on its way to the sequence matcher for one rule: keyed by the rule and the value of the
 * rule's key path in the event. A POJO, so Flink serialises it without Kryo.
 */
public class SequenceInput {
    public String rule;

    /** The rule's version the evaluator saw; the matcher goes by its own. */
    public int version;

    public String key;
    public String appId;

    /** The event as JSON text. */
    public String event;

    /** Event time, epoch millis. */
    public long time;

    public SequenceInput() {}

    SequenceInput(String rule, int version, String key, String appId, String event, long time) {
        this.rule = rule;
        this.version = version;
        this.key = key;
        this.appId = appId;
        this.event = event;
        this.time = time;
    }

    /** What the matcher is keyed by: one NFA per rule and key. */
    String partitionKey() {
        return rule + '\u0000' + key;
    }
}
