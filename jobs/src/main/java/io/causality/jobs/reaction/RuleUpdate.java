package io.causality.jobs.reaction;

/**
 * A record of the rules topic: a rule's name and its deployed JSON, or null for a deletion. A POJO,
 * so Flink serialises it without Kryo.
 */
public class RuleUpdate {
    public String name;

    /** The {@code DeployedRule} JSON, or null (a tombstone). */
    public byte[] value;

    public int partition;
    public long offset;

    public RuleUpdate() {}

    public RuleUpdate(String name, byte[] value, int partition, long offset) {
        this.name = name;
        this.value = value;
        this.partition = partition;
        this.offset = offset;
    }
}
