package io.causality.jobs.common;

/**
 * A record a job could not process, on its way to a dead-letter topic: the original bytes, why,
 * which job, where it came from and, for the failure of one rule on one event, which rule and
 * event. A POJO, so Flink serialises it without Kryo.
 */
public class DeadLetter {
    public String job;
    public String reason;

    /** Where the bytes were read, or null where the job no longer knows (a buffered event). */
    public String topic;

    public int partition;
    public long offset;
    public byte[] value;

    /** The rule that failed on the event, or null for a record no rule was involved with. */
    public String rule;

    public Integer ruleVersion;

    /** The event's id, where it has one. */
    public String eventId;

    public DeadLetter() {}

    public DeadLetter(String job, String reason, RawRecord from) {
        this.job = job;
        this.reason = reason;
        this.topic = from.topic;
        this.partition = from.partition;
        this.offset = from.offset;
        this.value = from.value;
    }

    /** The failure of one rule version on one event. */
    public static DeadLetter ofRule(
            String job, String reason, String rule, int version, String eventId, byte[] event) {
        DeadLetter d = new DeadLetter();
        d.job = job;
        d.reason = reason;
        d.rule = rule;
        d.ruleVersion = version;
        d.eventId = eventId;
        d.value = event;
        return d;
    }

    /** The same, for an event the job still knows the origin of. */
    public DeadLetter from(String topic, int partition, long offset) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        return this;
    }
}
