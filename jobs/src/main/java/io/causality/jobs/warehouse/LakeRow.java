package io.causality.jobs.warehouse;

/**
 * One event on its way into the lake: the fields the job routes on, and the value of every lake
 * column in {@code LakeSchema.columns()} order, as text (null when absent). A POJO of strings so
 * that Flink serialises it cheaply and without Kryo; the Parquet writer turns the text into the
 * column types.
 */
public class LakeRow {
    public String eventId;
    public String appId;

    /** Event time, epoch milliseconds UTC: decides the dt/hour partition. */
    public long eventTime;

    public String[] values;

    public LakeRow() {}

    public LakeRow(String eventId, String appId, long eventTime, String[] values) {
        this.eventId = eventId;
        this.appId = appId;
        this.eventTime = eventTime;
        this.values = values;
    }
}
