package io.causality.jobs.common;

import io.causality.stack.KafkaBroker;
import io.causality.stack.StackLayout;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;

/** What the job ITCases share: a real broker under target/it, and the MiniCluster they run on. */
public final class TestKafka {
    private TestKafka() {}

    /** A started broker on free ports with the given topics. */
    public static KafkaBroker start(List<NewTopic> topics) throws Exception {
        Path home =
                Path.of("target", "it", "kafka-" + UUID.randomUUID().toString().substring(0, 8))
                        .toAbsolutePath();
        KafkaBroker kafka = new KafkaBroker(new StackLayout(home).create(), freePort(), freePort());
        kafka.start(Duration.ofSeconds(90));
        kafka.createTopics(topics);
        return kafka;
    }

    /** One TaskManager with two slots. */
    public static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .build());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
