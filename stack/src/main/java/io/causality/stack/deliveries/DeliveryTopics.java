package io.causality.stack.deliveries;

import io.causality.stack.TopicEnds;
import io.causality.webhooks.Delivery;
import io.causality.webhooks.DeliveryCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The delivery job's topics as the deliveries commands use them: a replay goes on the retry topic,
 * keyed by its lane as the job keys its own retries; the dead-letter topic is read from its start.
 */
public final class DeliveryTopics
        implements DeliveriesCommand.Resend, DeliveriesCommand.DeadLetters, AutoCloseable {
    private final String bootstrapServers;
    private final String retryTopic;
    private final String dlqTopic;
    private KafkaProducer<byte[], byte[]> producer;

    public DeliveryTopics(String bootstrapServers, String retryTopic, String dlqTopic) {
        this.bootstrapServers = bootstrapServers;
        this.retryTopic = retryTopic;
        this.dlqTopic = dlqTopic;
    }

    @Override
    public void send(Delivery d) throws Exception {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class.getName());
            producer = new KafkaProducer<>(p);
        }
        producer.send(
                        new ProducerRecord<>(
                                retryTopic,
                                d.lane().getBytes(StandardCharsets.UTF_8),
                                DeliveryCodec.write(d)))
                .get(30, TimeUnit.SECONDS);
    }

    @Override
    public List<byte[]> all() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            return TopicEnds.committedValues(bootstrapServers, TopicEnds.starts(admin, dlqTopic));
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
