package io.causality.jobs.delivery;

import io.causality.contracts.MetricNames;
import io.causality.webhooks.Delivery;
import io.causality.webhooks.Endpoint;
import io.causality.webhooks.EndpointDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decides when each delivery goes, keyed by endpoint (app and endpoint name, {@link
 * Delivery#endpointKey}): at once when it is due, else held in keyed state with a timer until it
 * is, so that the long tail of retries holds neither the async capacity nor a thread. Keyed by
 * endpoint, every delivery to one endpoint goes on to the same subtask of the sender, whose gate
 * then enforces the endpoint's in-flight limit, breaker and rate whatever the job's parallelism.
 *
 * <p>On an ordered endpoint each lane (its match key) lets one delivery go at a time: the next
 * waits until the one before is delivered or given up (a {@link Delivery.Kind#DONE} record on the
 * retry topic says so). Other lanes of the same endpoint go on meanwhile.
 */
final class LaneScheduler extends KeyedProcessFunction<String, Delivery, Delivery> {
    private static final long serialVersionUID = 1L;
    static final String UID = "schedule-deliveries";

    /** Whether an endpoint delivers in order per match key: (app, endpoint) → ordered. */
    interface Ordering extends BiFunction<String, String, Boolean>, java.io.Serializable {}

    private final DeliverySettings settings;
    private final Ordering ordering;
    private transient BiFunction<String, String, Boolean> ordered;
    private transient MapState<String, Delivery> waiting;
    private transient MapState<Long, List<String>> dueAt;
    private transient MapState<String, String> current;
    private transient MapState<String, List<Delivery>> queues;

    LaneScheduler(DeliverySettings settings) {
        this(settings, null);
    }

    /**
     * @param ordering what the endpoint directory would say, for a test; null for the directory
     */
    LaneScheduler(DeliverySettings settings, Ordering ordering) {
        this.settings = settings;
        this.ordering = ordering;
    }

    @Override
    public void open(OpenContext context) {
        if (ordering != null) {
            ordered = ordering;
        } else {
            EndpointDirectory endpoints = DeliveryResources.directory(settings);
            ordered = (app, name) -> endpoints.find(app, name).map(Endpoint::ordered).orElse(false);
        }
        var state = getRuntimeContext();
        waiting =
                state.getMapState(
                        new MapStateDescriptor<>(
                                "due-later", Types.STRING, TypeInformation.of(Delivery.class)));
        dueAt =
                state.getMapState(
                        new MapStateDescriptor<>("due-at", Types.LONG, Types.LIST(Types.STRING)));
        current =
                state.getMapState(
                        new MapStateDescriptor<>("lane-current", Types.STRING, Types.STRING));
        queues =
                state.getMapState(
                        new MapStateDescriptor<>(
                                "lane-queues",
                                Types.STRING,
                                Types.LIST(TypeInformation.of(Delivery.class))));
        state.getMetricGroup().gauge(MetricNames.DELIVERIES_WAITING, () -> waitingCount);
    }

    /**
     * Held deliveries of this subtask, for the gauge (approximate: counted as they come and go).
     */
    private long waitingCount;

    @Override
    public void processElement(Delivery d, Context ctx, Collector<Delivery> out) throws Exception {
        if (d.kind == Delivery.Kind.DONE) {
            finished(d.laneKey(), d.deliveryId, ctx, out);
            return;
        }
        if (!d.ordered && !ordered.apply(d.appId, d.endpoint)) {
            schedule(d, ctx, out);
            return;
        }
        d.ordered = true;
        String lane = d.laneKey();
        String head = current.get(lane);
        if (head == null || head.equals(d.deliveryId)) {
            current.put(lane, d.deliveryId);
            schedule(d, ctx, out);
            return;
        }
        List<Delivery> queue = queues.get(lane);
        List<Delivery> q = queue == null ? new ArrayList<>() : new ArrayList<>(queue);
        for (Delivery other : q) {
            if (other.deliveryId.equals(d.deliveryId)) {
                return; // a retried copy of one already queued
            }
        }
        q.add(d);
        queues.put(lane, q);
        waitingCount++;
    }

    private void finished(String lane, String deliveryId, Context ctx, Collector<Delivery> out)
            throws Exception {
        if (!deliveryId.equals(current.get(lane))) {
            return; // a repeated signal, or one for a lane that moved on
        }
        List<Delivery> queue = queues.get(lane);
        if (queue == null || queue.isEmpty()) {
            current.remove(lane);
            queues.remove(lane);
            return;
        }
        List<Delivery> rest = new ArrayList<>(queue);
        Delivery next = rest.remove(0);
        waitingCount--;
        if (rest.isEmpty()) {
            queues.remove(lane);
        } else {
            queues.put(lane, rest);
        }
        current.put(lane, next.deliveryId);
        schedule(next, ctx, out);
    }

    private void schedule(Delivery d, Context ctx, Collector<Delivery> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (d.dueAtMillis <= now) {
            out.collect(d);
            return;
        }
        if (!waiting.contains(d.deliveryId)) {
            waitingCount++;
        }
        // The newest offer of a delivery wins; the timer of one it replaced finds it not due.
        waiting.put(d.deliveryId, d);
        List<String> ids = dueAt.get(d.dueAtMillis);
        List<String> at = ids == null ? new ArrayList<>() : new ArrayList<>(ids);
        at.add(d.deliveryId);
        dueAt.put(d.dueAtMillis, at);
        ctx.timerService().registerProcessingTimeTimer(d.dueAtMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Delivery> out)
            throws Exception {
        List<String> ids = dueAt.get(timestamp);
        if (ids == null) {
            return;
        }
        dueAt.remove(timestamp);
        for (String id : ids) {
            Delivery d = waiting.get(id);
            if (d != null && d.dueAtMillis <= timestamp) {
                waiting.remove(id);
                waitingCount--;
                out.collect(d);
            }
        }
    }
}
