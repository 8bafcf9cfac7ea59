package io.causality.stack.demo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** Where each partition of a topic ends, as the demo's counts and waits need it. */
final class TopicEnds {
    private TopicEnds() {}

    /**
     * @param isolation READ_COMMITTED gives the end readers of committed records see
     */
    static Map<TopicPartition, Long> of(Admin admin, String topic, IsolationLevel isolation)
            throws Exception {
        var partitions =
                admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(10, TimeUnit.SECONDS)
                        .get(topic)
                        .partitions();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(
                p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(isolation))
                .all()
                .get(10, TimeUnit.SECONDS)
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }
}
