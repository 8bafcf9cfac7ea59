package io.causality.jobs.common;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster the job ITCases run on: one TaskManager with two slots. */
public final class JobsMiniCluster {
    private JobsMiniCluster() {}

    public static MiniClusterExtension create() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .build());
    }
}
