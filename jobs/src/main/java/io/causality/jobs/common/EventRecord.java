package io.causality.jobs.common;

/**
 * An event as the jobs pass it between operators: whose it is, what it is, when, its bytes as
 * stored, and where they were read. The envelope fields are read once by {@link EventReader}; an
 * operator that needs more parses the bytes once. A POJO, so Flink serialises it without Kryo.
 */
public class EventRecord implements UniqueEvent {
    public String app;
    public String id;
    public String type;

    /** The name of a custom event, else null. */
    public String name;

    /** Event time, epoch millis ({@link EventTime}). */
    public long time;

    /** The event JSON as stored in Kafka. */
    public byte[] json;

    public String topic;
    public int partition;
    public long offset;

    /** The schema version the ingest checked it against, or null (see {@link RawRecord}). */
    public String validatedAs;

    public EventRecord() {}

    public EventRecord(
            String app,
            String id,
            String type,
            String name,
            long time,
            byte[] json,
            RawRecord raw) {
        this.app = app;
        this.id = id;
        this.type = type;
        this.name = name;
        this.time = time;
        this.json = json;
        this.topic = raw.topic;
        this.partition = raw.partition;
        this.offset = raw.offset;
        this.validatedAs = raw.validatedAs;
    }

    @Override
    public String appId() {
        return app;
    }

    @Override
    public String eventId() {
        return id;
    }

    /** The bytes as they came, with their origin, for a dead letter. */
    public RawRecord raw() {
        RawRecord raw = new RawRecord(topic, partition, offset, json);
        raw.validatedAs = validatedAs;
        return raw;
    }
}
