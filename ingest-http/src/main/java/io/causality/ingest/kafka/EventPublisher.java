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
    private volatile boolean clusterReachable;

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
        boolean up;
        try {
            up =
                    !admin.describeCluster(new DescribeClusterOptions().timeoutMs(1800))
                            .nodes()
                            .get(2, TimeUnit.SECONDS)
                            .isEmpty();
        } catch (Exception e) {
            up = false;
        }
        if (up != clusterReachable) {
            if (up) {
                LOG.info("Kafka cluster reachable");
            } else {
                LOG.warn("Kafka cluster unreachable; event requests answer 503 until it is back");
            }
        }
        clusterReachable = up;
    }

    /** Whether the cluster answered the last probe. */
    public boolean reachable() {
        return clusterReachable;
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
        AtomicInteger pending = new AtomicInteger(records.size());
        AtomicInteger acked = new AtomicInteger();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        for (Outgoing r : records) {
            try {
                producer.send(
                        new ProducerRecord<>(topic, null, r.key(), r.value(), VALIDATED),
                        (metadata, error) -> {
                            if (error == null) {
                                acked.incrementAndGet();
                            } else {
                                firstError.compareAndSet(null, error);
                            }
                            if (pending.decrementAndGet() == 0) {
                                inflightBytes.addAndGet(-reservedBytes);
                                completion.done(acked.get(), firstError.get());
                            }
                        });
            } catch (RuntimeException e) {
                // send() itself failed (metadata timeout, closed producer): same path as a
                // failed acknowledgement, so the request still gets exactly one answer.
                firstError.compareAndSet(null, e);
                if (pending.decrementAndGet() == 0) {
                    inflightBytes.addAndGet(-reservedBytes);
                    completion.done(acked.get(), firstError.get());
                }
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
