package io.causality.jobs.reaction;

import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the rules topic ends when the job starts: the offset of the last committed record of each
 * partition. The evaluator holds events until it has applied those records, so that a rule deployed
 * before an event was sent always sees that event.
 */
@FunctionalInterface
public interface RulesTopicEnd extends Serializable {
    /** Partition → offset of its last committed record; partitions without records left out. */
    Map<Integer, Long> lastRecordOffsets();

    /** Nothing to wait for (tests that feed rules themselves). */
    static RulesTopicEnd none() {
        return Map::of;
    }

    /** The end of the topic on the brokers, read with a consumer of committed records. */
    static RulesTopicEnd kafka(String bootstrapServers, String topic) {
        return new Kafka(bootstrapServers, topic);
    }

    /**
     * Reads the end when asked; if the brokers do not answer in time, there is nothing to wait for.
     */
    final class Kafka implements RulesTopicEnd {
        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(Kafka.class);
        private static final Duration TIMEOUT = Duration.ofSeconds(15);

        private final String bootstrapServers;
        private final String topic;

        Kafka(String bootstrapServers, String topic) {
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
        }

        @Override
        public Map<Integer, Long> lastRecordOffsets() {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            Map<Integer, Long> out = new HashMap<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
                for (PartitionInfo info : c.partitionsFor(topic, TIMEOUT)) {
                    TopicPartition tp = new TopicPartition(topic, info.partition());
                    long last = lastRecord(c, tp, deadline);
                    if (last >= 0) {
                        out.put(info.partition(), last);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn(
                        "could not read where {} ends ({}); events are evaluated without waiting"
                                + " for its rules",
                        topic,
                        e.toString());
                return Map.of();
            }
            return out;
        }

        /**
         * The last committed record below the end: commit markers and aborted records take offsets
         * but are not returned, so it reads backwards from the end in growing steps until it finds
         * one. -1 for a partition without records.
         */
        private static long lastRecord(
                KafkaConsumer<byte[], byte[]> c, TopicPartition tp, long deadline) {
            c.assign(List.of(tp));
            long begin = c.beginningOffsets(List.of(tp), TIMEOUT).get(tp);
            long end = c.endOffsets(List.of(tp), TIMEOUT).get(tp);
            for (long step = 1; ; step *= 16) {
                long from = Math.max(begin, end - step);
                c.seek(tp, from);
                long last = -1;
                while (c.position(tp, TIMEOUT) < end) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("reading the end took too long");
                    }
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        if (r.offset() < end) {
                            last = Math.max(last, r.offset());
                        }
                    }
                }
                if (last >= 0 || from == begin) {
                    return last;
                }
            }
        }
    }
}
