package io.causality.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The service's Prometheus metrics. Names here are the ones dashboards and alerts use; they are
 * part of the service's interface.
 */
public final class IngestMetrics {
    public static final String REQUESTS = "causality.ingest.requests";
    public static final String EVENTS_ACCEPTED = "causality.ingest.events.accepted";
    public static final String EVENTS_REJECTED = "causality.ingest.events.rejected";
    public static final String PRODUCE_LATENCY = "causality.ingest.produce.latency";
    public static final String BATCH_SIZE = "causality.ingest.batch.size";
    public static final String KEY_LOOKUPS = "causality.ingest.key.lookups";

    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer produceLatency;
    private final DistributionSummary batchSize;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    /** Counters by name and tags: looked up per request, so kept instead of re-registered. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public IngestMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        produceLatency =
                Timer.builder(PRODUCE_LATENCY)
                        .description(
                                "Time from send to the broker's acknowledgement of a request's events")
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry);
        batchSize =
                DistributionSummary.builder(BATCH_SIZE)
                        .description("Events per request")
                        .serviceLevelObjectives(1, 10, 50, 100, 250, 500)
                        .register(registry);
    }

    public void gauges(
            LongSupplier inflightBytes, BooleanSupplier kafkaUp, BooleanSupplier keysUp) {
        Gauge.builder("causality.ingest.inflight.bytes", inflightBytes::getAsLong)
                .description("Bytes of events sent to Kafka and not yet acknowledged")
                .register(registry);
        Gauge.builder("causality.ingest.kafka.up", () -> kafkaUp.getAsBoolean() ? 1 : 0)
                .register(registry);
        Gauge.builder("causality.ingest.keystore.up", () -> keysUp.getAsBoolean() ? 1 : 0)
                .register(registry);
    }

    public void request(String endpoint, int status) {
        counters.computeIfAbsent(
                        REQUESTS + '|' + endpoint + '|' + status,
                        k ->
                                Counter.builder(REQUESTS)
                                        .tag("endpoint", endpoint)
                                        .tag("status", Integer.toString(status))
                                        .register(registry))
                .increment();
    }

    public void accepted(String api, int n) {
        counters.computeIfAbsent(
                        EVENTS_ACCEPTED + '|' + api,
                        k -> Counter.builder(EVENTS_ACCEPTED).tag("api", api).register(registry))
                .increment(n);
    }

    public void rejected(String code, int n) {
        counters.computeIfAbsent(
                        EVENTS_REJECTED + '|' + code,
                        k -> Counter.builder(EVENTS_REJECTED).tag("code", code).register(registry))
                .increment(n);
    }

    public void produced(long nanos) {
        produceLatency.record(Duration.ofNanos(nanos));
    }

    /**
     * A write key the cache did not know: looked up and found, unknown or failed, or not looked up
     * (limited per address, or too many lookups running).
     */
    public void keyLookup(String outcome) {
        counters.computeIfAbsent(
                        KEY_LOOKUPS + "|" + outcome,
                        k ->
                                Counter.builder(KEY_LOOKUPS)
                                        .description("Write keys looked up in PostgreSQL")
                                        .tag("outcome", outcome)
                                        .register(registry))
                .increment();
    }

    public void batch(int events) {
        batchSize.record(events);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
