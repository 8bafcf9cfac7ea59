package io.causality.jobs.common;

/**
 * A Kafka record as read, before anything is made of it, so that a record the job cannot read can
 * go to the dead-letter topic exactly as it came, with where it came from. A POJO, so Flink
 * serialises it without Kryo.
 */
public class RawRecord {
    public String topic;
    public int partition;
    public long offset;
    public byte[] value;

    /**
     * The schema version the ingest checked the record against ({@code EventHeaders.VALIDATED}), or
     * null for a record from elsewhere.
     */
    public String validatedAs;

    public RawRecord() {}

    public RawRecord(String topic, int partition, long offset, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.value = value;
    }
}
