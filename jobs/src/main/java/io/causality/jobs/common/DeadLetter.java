package io.causality.jobs.common;

/**
 * A record a job could not process, on its way to a dead-letter topic: the original bytes, why,
 * which job and where it came from.
 */
public class DeadLetter {
    public String job;
    public String reason;
    public String topic;
    public int partition;
    public long offset;
    public byte[] value;

    public DeadLetter() {}

    public DeadLetter(String job, String reason, RawRecord from) {
        this.job = job;
        this.reason = reason;
        this.topic = from.topic;
        this.partition = from.partition;
        this.offset = from.offset;
        this.value = from.value;
    }
}
