package io.causality.jobs.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.webhooks.Delivery;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LaneSchedulerTest {
    private KeyedOneInputStreamOperatorTestHarness<String, Delivery, Delivery> harness;

    private void open(boolean orderedEndpoint) throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new LaneScheduler(
                                null,
                                (app, endpoint) -> orderedEndpoint && endpoint.equals("ordered")),
                        Delivery::endpointKey,
                        Types.STRING);
        harness.setProcessingTime(1_000);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static Delivery delivery(String id, String endpoint, String key, long dueAt) {
        Delivery d = new Delivery();
        d.deliveryId = id;
        d.appId = "shop";
        d.endpoint = endpoint;
        d.key = key;
        d.body = "{}";
        d.dueAtMillis = dueAt;
        return d;
    }

    private void offer(Delivery d) throws Exception {
        harness.processElement(new StreamRecord<>(d));
    }

    private List<String> out() {
        List<String> ids = harness.extractOutputValues().stream().map(d -> d.deliveryId).toList();
        harness.getOutput().clear();
        return ids;
    }

    @Test
    void aDueDeliveryGoesAtOnceAndALaterOneWhenItsTimeComes() throws Exception {
        open(false);
        offer(delivery("now", "hook", null, 0));
        offer(delivery("later", "hook", null, 5_000));
        offer(delivery("other-later", "other", null, 5_000));
        assertThat(out()).containsExactly("now");
        harness.setProcessingTime(4_999);
        assertThat(out()).isEmpty();
        harness.setProcessingTime(5_000);
        assertThat(out()).containsExactlyInAnyOrder("later", "other-later");
    }

    @Test
    void theNewestOfferOfADeliveryWins() throws Exception {
        open(false);
        offer(delivery("d", "hook", null, 2_000));
        offer(delivery("d", "hook", null, 3_000));
        harness.setProcessingTime(2_500);
        assertThat(out()).as("its first offer was replaced").isEmpty();
        harness.setProcessingTime(3_000);
        assertThat(out()).containsExactly("d");
        harness.setProcessingTime(10_000);
        assertThat(out()).as("once").isEmpty();
    }

    @Test
    void anOrderedEndpointSendsOneAtATimePerMatchKeyAndOtherKeysGoOn() throws Exception {
        open(true);
        offer(delivery("a1", "ordered", "a", 0));
        offer(delivery("a2", "ordered", "a", 0));
        offer(delivery("b1", "ordered", "b", 0));
        offer(delivery("a2", "ordered", "a", 0)); // a retried copy of one queued: not twice
        offer(delivery("x1", "unordered", "a", 0));
        assertThat(out()).containsExactly("a1", "b1", "x1");

        Delivery a1Retry = delivery("a1", "ordered", "a", 4_000);
        a1Retry.ordered = true;
        offer(a1Retry);
        assertThat(out()).as("the head's retry waits for its time, a2 behind it").isEmpty();
        harness.setProcessingTime(4_000);
        assertThat(out()).containsExactly("a1");

        offer(delivery("a1", "ordered", "a", 0).done());
        assertThat(out()).containsExactly("a2");
        offer(delivery("a1", "ordered", "a", 0).done());
        assertThat(out()).as("a repeated release does nothing").isEmpty();
        offer(delivery("a2", "ordered", "a", 0).done());
        offer(delivery("a3", "ordered", "a", 0));
        assertThat(out()).as("an empty lane lets the next go at once").containsExactly("a3");
    }
}
