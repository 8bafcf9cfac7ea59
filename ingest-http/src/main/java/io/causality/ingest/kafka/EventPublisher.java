package io.causality.ingest.kafka;

import io.causality.contracts.EventHeaders;
import io.causality.ingest.IngestConfig;
import io.causality.schemas.Schemas;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to Kafka with an idempotent, acks=all producer and reports back only when the
 * broker acknowledged every record of a request. Memory is bounded: a request that would push the
 * bytes awaiting acknowledgement over the limit is refused up front instead of queued. A monitor
 * asks the cluster every two seconds whether it answers, so requests fail fast while it is down.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);

    /** Called once per batch, on a producer thread: how many were stored, the first error. */
    public interface Completion {
        void done(int acknowledged, Exception firstError);
    }

    private final Producer<String, byte[]> producer;
    private final Admin admin;
    private final String topic;
    private final long maxInflightBytes;
    private final AtomicLong inflightBytes = new AtomicLong();
    private final ScheduledExecutorService monitor;
    private volatile String problem = "Kafka not probed yet";

    public EventPublisher(IngestConfig config) {
        this(new KafkaProducer<>(producerProperties(config)), adminFor(config), config);
    }

    EventPublisher(Producer<String, byte[]> producer, Admin admin, IngestConfig config) {
        this.producer = producer;
        this.admin = admin;
        this.topic = config.eventsTopic();
        this.maxInflightBytes = config.maxInflightBytes();
        this.monitor =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "kafka-health");
                            t.setDaemon(true);
                            return t;
                        });
        probe();
        monitor.scheduleWithFixedDelay(
                this::probe,
                PROBE_INTERVAL.toMillis(),
                PROBE_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    static Properties producerProperties(IngestConfig config) {
        long ackTimeout = config.kafkaAckTimeout().toMillis();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "causality-ingest");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        // A record not acknowledged within the ack timeout fails, so the client gets its 503 in
        // bounded time; delivery.timeout.ms must cover linger.ms + request.timeout.ms.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(ackTimeout));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(ackTimeout / 2));
        // send() must never block an event loop for long: metadata waits are cut short, and the
        // in-flight limit keeps the buffer from filling.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
        p.put(
                ProducerConfig.BUFFER_MEMORY_CONFIG,
                String.valueOf(Math.max(64L * 1024 * 1024, 2 * config.maxInflightBytes())));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(config.producerOverrides());
        return p;
    }

    private static Admin adminFor(IngestConfig config) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "causality-ingest-health");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "1500");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "1800");
        return Admin.create(p);
    }

    private void probe() {
        String problem;
        try {
            boolean nodes =
                    !admin.describeCluster(new DescribeClusterOptions().timeoutMs(1800))
                            .nodes()
                            .get(2, TimeUnit.SECONDS)
                            .isEmpty();
            problem = nodes ? topicProblem() : "the Kafka cluster has no brokers";
        } catch (Exception e) {
            problem = "the Kafka cluster does not answer";
        }
        String before = this.problem;
        if (problem == null && before != null) {
            LOG.info("Kafka reachable and topic {} present again", topic);
        } else if (problem != null && !problem.equals(before)) {
            LOG.warn("{}; event requests answer 503 until it is back", problem);
        }
        this.problem = problem;
    }

    /**
     * A topic whose metadata the producer cannot find makes every send() block for max.block.ms: a
     * deleted or misnamed topic is found here, and requests are refused at once while it lasts.
     */
    private String topicProblem() throws Exception {
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(2, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause()
                    instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return "the events topic " + topic + " does not exist";
            }
            throw e;
        }
    }

    /** Whether the cluster answered the last probe and has the events topic. */
    public boolean reachable() {
        return problem == null;
    }

    /** Why event requests are refused now, or null while Kafka and the topic are there. */
    public String problem() {
        return problem;
    }

    public long inflightBytes() {
        return inflightBytes.get();
    }

    /** Reserves room for a request's bytes; false means "overloaded, try again shortly". */
    public boolean tryReserve(long bytes) {
        while (true) {
            long now = inflightBytes.get();
            if (now > 0 && now + bytes > maxInflightBytes) {
                return false;
            }
            if (inflightBytes.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /**
     * Every record the ingest stores passed the event schemas of this version: the jobs need not
     * check it again (records from elsewhere lack the header and are checked in full).
     */
    private static final List<Header> VALIDATED =
            List.of(
                    new RecordHeader(
                            EventHeaders.VALIDATED,
                            Schemas.VERSION.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    /** A record for the events topic. */
    public record Outgoing(String key, byte[] value) {}

    /**
     * Sends every record and calls back once all are acknowledged or failed. The reserved bytes are
     * released before the callback runs.
     */
    public void publish(List<Outgoing> records, long reservedBytes, Completion completion) {
        send(
                producer,
                topic,
                records,
                (acknowledged, firstError) -> {
                    inflightBytes.addAndGet(-reservedBytes);
                    completion.done(acknowledged, firstError);
                });
    }

    /**
     * Sends the records in order and calls back once, when every one is acknowledged or failed. The
     * first failure fails the rest at once without sending them: a topic the producer has no
     * metadata for blocks each send() for max.block.ms before failing it, and a request of 500
     * records would otherwise hold its event loop for minutes.
     */
    static void send(
            Producer<String, byte[]> producer,
            String topic,
            List<Outgoing> records,
            Completion completion) {
        AtomicInteger pending = new AtomicInteger(records.size());
        AtomicInteger acked = new AtomicInteger();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        java.util.function.IntConsumer done =
                n -> {
                    if (pending.addAndGet(-n) == 0) {
                        completion.done(acked.get(), firstError.get());
                    }
                };
        for (int i = 0; i < records.size(); i++) {
            if (firstError.get() != null) {
                done.accept(records.size() - i);
                return;
            }
            Outgoing r = records.get(i);
            try {
                producer.send(
                        new ProducerRecord<>(topic, null, r.key(), r.value(), VALIDATED),
                        (metadata, error) -> {
                            if (error == null) {
                                acked.incrementAndGet();
                            } else {
                                firstError.compareAndSet(null, error);
                            }
                            done.accept(1);
                        });
            } catch (RuntimeException e) {
                // send() itself failed (closed producer, serialisation): same path as a failed
                // acknowledgement, so the request still gets exactly one answer.
                firstError.compareAndSet(null, e);
                done.accept(1);
            }
        }
    }

    /** Sends what is buffered and waits for it, up to the timeout. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    public void close(Duration timeout) {
        monitor.shutdownNow();
        producer.close(timeout);
        admin.close(Duration.ofSeconds(2));
    }
}
