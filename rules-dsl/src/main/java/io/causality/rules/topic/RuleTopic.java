package io.causality.rules.topic;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.json.RuleJson;
import io.causality.rules.json.RuleStatus;
import io.causality.schemas.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The rules topic ({@code causality.rules}, compacted, keyed by rule name) as the deployed state:
 * read from the beginning to its end, and written in one Kafka transaction per deploy, so that the
 * jobs (reading committed records only) see a deploy whole or not at all.
 */
public final class RuleTopic {
    private final String bootstrapServers;
    private final String topic;
    private final String statusTopic;

    /** The rules topic, with the jobs' statuses on the default rule-status topic. */
    public RuleTopic(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, io.causality.contracts.Topics.RULE_STATUS);
    }

    public RuleTopic(String bootstrapServers, String topic, String statusTopic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.statusTopic = statusTopic;
    }

    /**
     * What the jobs last said about each rule (suspended or refused, with why), by rule; empty if
     * they said nothing or the topic is not there. Statuses are written at least once and read as
     * they are: the newest per rule wins.
     */
    public Map<String, RuleStatus> statuses(Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        Map<String, RuleStatus> out = new TreeMap<>();
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts =
                    c.partitionsFor(statusTopic, timeout).stream()
                            .map(i -> new TopicPartition(statusTopic, i.partition()))
                            .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            while (parts.stream().anyMatch(tp -> c.position(tp, timeout) < end.get(tp))
                    && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() == null || r.value() == null) {
                        continue;
                    }
                    try {
                        out.put(
                                r.key(),
                                RuleStatus.fromJson(
                                        io.causality.schemas.EventJson.mapper()
                                                .readTree(r.value())));
                    } catch (Exception notAStatus) {
                        // Not written by a job; nothing to show for it.
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            return Map.of();
        }
        return out;
    }

    /** What the topic holds now: deployed rules by name, and records that are not rules. */
    public record State(Map<String, DeployedRule> rules, Map<String, String> unreadable) {}

    public State read(Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        Map<String, DeployedRule> rules = new TreeMap<>();
        Map<String, String> unreadable = new TreeMap<>();
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts =
                    c.partitionsFor(topic, timeout).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = settledEnd(c, parts, deadline);
            while (parts.stream().anyMatch(tp -> c.position(tp, timeout) < end.get(tp))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(
                            "could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    apply(r, rules, unreadable);
                }
            }
        }
        return new State(rules, unreadable);
    }

    /**
     * The committed end of the partitions once no transaction is still being completed: a deploy
     * returns when its commit is decided, and the commit markers reach the partitions a moment
     * later; reading before that would miss the deploy that just returned.
     */
    private Map<TopicPartition, Long> settledEnd(
            KafkaConsumer<String, byte[]> committed, List<TopicPartition> parts, Instant deadline) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> all = new KafkaConsumer<>(p)) {
            Instant settleBy = Instant.now().plusSeconds(10);
            while (true) {
                Map<TopicPartition, Long> end = committed.endOffsets(parts, Duration.ofSeconds(10));
                if (end.equals(all.endOffsets(parts, Duration.ofSeconds(10)))
                        || Instant.now().isAfter(settleBy)
                        || Instant.now().isAfter(deadline)) {
                    // Past the wait, another deploy holds a transaction open: read what is
                    // committed.
                    return end;
                }
                try {
                    Thread.sleep(
                            50); // markers arrive within milliseconds; the deadline bounds this
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return end;
                }
            }
        }
    }

    private static void apply(
            ConsumerRecord<String, byte[]> r,
            Map<String, DeployedRule> rules,
            Map<String, String> unreadable) {
        if (r.key() == null) {
            return;
        }
        rules.remove(r.key());
        unreadable.remove(r.key());
        if (r.value() == null) {
            return;
        }
        try {
            JsonNode json = EventJson.mapper().readTree(r.value());
            rules.put(r.key(), DeployedRule.fromJson(json));
        } catch (RuleJson.InvalidRuleJson | java.io.IOException e) {
            unreadable.put(r.key(), e.getMessage());
        }
    }

    /**
     * Writes rules and tombstones in one transaction.
     *
     * @param tombstones names of rules to delete
     */
    public void publish(List<DeployedRule> rules, List<String> tombstones) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "causality-rules-deploy");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            try {
                for (DeployedRule r : rules) {
                    producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    r.rule().name(),
                                    r.toJson().toString().getBytes(StandardCharsets.UTF_8)));
                }
                for (String name : tombstones) {
                    producer.send(new ProducerRecord<>(topic, name, null));
                }
                producer.commitTransaction();
            } catch (RuntimeException e) {
                producer.abortTransaction();
                throw e;
            }
        }
    }
}
