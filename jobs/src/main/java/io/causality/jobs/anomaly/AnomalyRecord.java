package io.causality.jobs.anomaly;

/**
 * A detector's state change for one group: the audit record for {@code causality.anomalies}, and
 * the rendered actions of a firing or a resolve for {@code causality.actions}. A POJO for Flink's
 * serializer.
 */
public class AnomalyRecord {
    public String detector;
    public int version;
    public String appId;
    public String anomalyId;

    /** The audit record, JSON. */
    public String json;

    /** The actions, JSON, one per action of the detector; empty for other changes. */
    public String[] actions;

    public AnomalyRecord() {}
}
