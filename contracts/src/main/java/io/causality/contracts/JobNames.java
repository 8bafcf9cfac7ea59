package io.causality.contracts;

/** The names the jobs run under on a Flink cluster, which the stack looks them up by. */
public final class JobNames {
    public static final String WAREHOUSE = "causality-warehouse";
    public static final String REACTION = "causality-reaction";
    public static final String DELIVERY = "causality-delivery";
    public static final String ANOMALY = "causality-anomaly";

    private JobNames() {}
}
