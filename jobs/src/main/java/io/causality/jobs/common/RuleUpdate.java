package io.causality.jobs.common;

/**
 * A record of the rules topic: a rule's name and its deployed JSON, or null for a deletion, and
 * where it was read. A POJO, so Flink serialises it without Kryo.
 */
public class RuleUpdate {
    public String name;

    /** The {@code DeployedRule} JSON, or null (a tombstone). */
    public byte[] value;

    public String topic;
    public int partition;
    public long offset;

    public RuleUpdate() {}

    public RuleUpdate(String name, byte[] value, String topic, int partition, long offset) {
        this.name = name;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }
}
