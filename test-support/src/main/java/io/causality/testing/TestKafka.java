package io.causality.testing;

import io.causality.processes.KafkaBroker;
import io.causality.processes.StackLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real Kafka broker for a test class, in its own JVM as the stack runs it, on free ports under
 * the module's {@code target/it}.
 */
public final class TestKafka {
    private TestKafka() {}

    /** A started broker with the given topics. */
    public static KafkaBroker start(List<NewTopic> topics) throws Exception {
        Path home =
                Path.of("target", "it", "kafka-" + UUID.randomUUID().toString().substring(0, 8))
                        .toAbsolutePath();
        KafkaBroker kafka =
                new KafkaBroker(new StackLayout(home).create(), FreePorts.next(), FreePorts.next());
        kafka.start(Duration.ofSeconds(90));
        kafka.createTopics(topics);
        return kafka;
    }
}
