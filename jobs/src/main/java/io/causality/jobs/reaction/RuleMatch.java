package io.causality.jobs.reaction;

/**
 * A rule matched: the audit record for {@code causality.rule-matches}, with the rendered actions
 * for {@code causality.actions}. A POJO, so Flink serialises it without Kryo.
 */
public class RuleMatch {
    /** Stable for the same rule version and events: a replay produces the same id. */
    public String matchId;

    public String rule;
    public int version;

    /** The sequence key, or null for a per-event rule. */
    public String key;

    public String appId;
    public String[] eventIds;

    /** Event time of the match, epoch millis. */
    public long time;

    /** One JSON document per action, in the rule's order. */
    public String[] actions;

    public RuleMatch() {}
}
