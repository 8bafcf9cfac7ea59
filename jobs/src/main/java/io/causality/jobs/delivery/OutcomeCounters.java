package io.causality.jobs.delivery;

import io.causality.contracts.MetricNames;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The delivery outcomes, counted in total and per endpoint. Per endpoint the counters sit in the
 * groups {@code app} and {@code endpoint}, which the Prometheus reporter turns into labels. At most
 * {@link #MAX_ENDPOINTS} endpoints per subtask get counters of their own; the rest share the
 * endpoint label {@value #OTHER}, so a tenant with many endpoints cannot grow the metrics without
 * bound.
 */
final class OutcomeCounters {
    static final int MAX_ENDPOINTS = 1_000;
    static final String OTHER = "_other";

    enum Kind {
        DELIVERED(MetricNames.DELIVERIES_DELIVERED),
        RETRIED(MetricNames.DELIVERIES_RETRIED),
        FAILED(MetricNames.DELIVERIES_FAILED),
        REFUSED(MetricNames.DELIVERIES_REFUSED),
        DEFERRED(MetricNames.DELIVERIES_DEFERRED);

        final String metric;

        Kind(String metric) {
            this.metric = metric;
        }
    }

    private final MetricGroup group;
    private final Map<Kind, Counter> totals = new EnumMap<>(Kind.class);
    private final Map<String, Map<Kind, Counter>> byEndpoint = new ConcurrentHashMap<>();
    private final int maxEndpoints;

    OutcomeCounters(MetricGroup group) {
        this(group, MAX_ENDPOINTS);
    }

    OutcomeCounters(MetricGroup group, int maxEndpoints) {
        this.group = group;
        this.maxEndpoints = maxEndpoints;
        for (Kind k : Kind.values()) {
            totals.put(k, group.counter(k.metric));
        }
    }

    /** Counts one outcome of a delivery to the endpoint {@code name} of {@code app}. */
    void count(Kind kind, String app, String name) {
        totals.get(kind).inc();
        endpoint(app, name).get(kind).inc();
    }

    private Map<Kind, Counter> endpoint(String app, String name) {
        String key = app + "/" + name;
        Map<Kind, Counter> found = byEndpoint.get(key);
        if (found != null) {
            return found;
        }
        if (byEndpoint.size() >= maxEndpoints) {
            return byEndpoint.computeIfAbsent(OTHER, k -> register(OTHER, OTHER));
        }
        return byEndpoint.computeIfAbsent(key, k -> register(app, name));
    }

    private Map<Kind, Counter> register(String app, String name) {
        MetricGroup g = group.addGroup("app", app).addGroup("endpoint", name);
        Map<Kind, Counter> counters = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            counters.put(k, g.counter(k.metric));
        }
        return counters;
    }
}
