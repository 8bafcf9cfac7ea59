package io.causality.jobs.warehouse;

/**
 * One event on its way into the lake: the fields the job routes on, and the value of every lake
 * column in {@code LakeSchema.columns()} order, packed into one array ({@link PackedColumns}). A
 * POJO, so that Flink serialises it cheaply and without Kryo; the Parquet writer reads the values
 * from the array in their column types.
 */
public class LakeRow implements io.causality.jobs.common.UniqueEvent {
    public String eventId;
    public String appId;

    /** Event time, epoch milliseconds UTC: decides the dt/hour partition. */
    public long eventTime;

    /**
     * The column values, packed ({@link LakeRecords#pack}); {@link LakeRecords#texts} reads them.
     */
    public byte[] columns;

    public LakeRow() {}

    @Override
    public String appId() {
        return appId;
    }

    @Override
    public String eventId() {
        return eventId;
    }

    public LakeRow(String eventId, String appId, long eventTime, byte[] columns) {
        this.eventId = eventId;
        this.appId = appId;
        this.eventTime = eventTime;
        this.columns = columns;
    }
}
