package io.causality.jobs.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.contracts.MetricNames;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

class OutcomeCountersTest {

    /** Keeps every counter under its scope, e.g. {@code app=shop.endpoint=crm.deliveriesFailed}. */
    private static final class RecordingGroup extends UnregisteredMetricsGroup {
        private final String scope;
        private final Map<String, Counter> counters;

        RecordingGroup(String scope, Map<String, Counter> counters) {
            this.scope = scope;
            this.counters = counters;
        }

        @Override
        public Counter counter(String name) {
            Counter c = new SimpleCounter();
            counters.put(scope + name, c);
            return c;
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new RecordingGroup(scope + key + "=" + value + ".", counters);
        }
    }

    private final Map<String, Counter> counters = new TreeMap<>();

    private long count(String name) {
        return counters.containsKey(name) ? counters.get(name).getCount() : -1;
    }

    @Test
    void outcomesAreCountedInTotalAndPerEndpoint() {
        var outcomes = new OutcomeCounters(new RecordingGroup("", counters));
        outcomes.count(OutcomeCounters.Kind.DELIVERED, "shop", "crm");
        outcomes.count(OutcomeCounters.Kind.DELIVERED, "shop", "crm");
        outcomes.count(OutcomeCounters.Kind.FAILED, "shop", "alerts");
        outcomes.count(OutcomeCounters.Kind.DELIVERED, "news", "crm");

        assertThat(count(MetricNames.DELIVERIES_DELIVERED)).isEqualTo(3);
        assertThat(count(MetricNames.DELIVERIES_FAILED)).isEqualTo(1);
        assertThat(count("app=shop.endpoint=crm." + MetricNames.DELIVERIES_DELIVERED)).isEqualTo(2);
        assertThat(count("app=news.endpoint=crm." + MetricNames.DELIVERIES_DELIVERED)).isEqualTo(1);
        assertThat(count("app=shop.endpoint=alerts." + MetricNames.DELIVERIES_FAILED)).isEqualTo(1);
        assertThat(count("app=shop.endpoint=alerts." + MetricNames.DELIVERIES_DELIVERED)).isZero();
    }

    @Test
    void endpointsPastTheBoundShareOneLabel() {
        var outcomes = new OutcomeCounters(new RecordingGroup("", counters), 2);
        outcomes.count(OutcomeCounters.Kind.RETRIED, "shop", "a");
        outcomes.count(OutcomeCounters.Kind.RETRIED, "shop", "b");
        outcomes.count(OutcomeCounters.Kind.RETRIED, "shop", "c");
        outcomes.count(OutcomeCounters.Kind.RETRIED, "shop", "d");
        outcomes.count(OutcomeCounters.Kind.RETRIED, "shop", "a");

        assertThat(count(MetricNames.DELIVERIES_RETRIED)).isEqualTo(5);
        assertThat(count("app=shop.endpoint=a." + MetricNames.DELIVERIES_RETRIED)).isEqualTo(2);
        assertThat(count("app=shop.endpoint=b." + MetricNames.DELIVERIES_RETRIED)).isEqualTo(1);
        assertThat(count("app=_other.endpoint=_other." + MetricNames.DELIVERIES_RETRIED))
                .isEqualTo(2);
        assertThat(counters.keySet()).noneMatch(k -> k.contains("endpoint=c."));
    }
}
