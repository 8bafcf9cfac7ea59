package io.causality.jobs.warehouse;

/**
 * A record of a decision topic on its way to its lake table: its app and time (the partition) and
 * its JSON, checked against its schema. A POJO for Flink's serializer.
 */
public class DecisionRow {
    public String appId;

    /** Epoch millis of the table's time field. */
    public long time;

    public byte[] json;

    public DecisionRow() {}

    public DecisionRow(String appId, long time, byte[] json) {
        this.appId = appId;
        this.time = time;
        this.json = json;
    }
}
