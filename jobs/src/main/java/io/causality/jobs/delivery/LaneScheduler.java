package io.causality.jobs.delivery;

import io.causality.contracts.MetricNames;
import io.causality.webhooks.Delivery;
import io.causality.webhooks.Endpoint;
import io.causality.webhooks.EndpointDirectory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decides when each delivery goes, keyed by lane (app, endpoint, match key): at once when it is
 * due, else held in keyed state with a timer until it is, so that the long tail of retries holds
 * neither the async capacity nor a thread. On an ordered endpoint a lane lets one delivery go at a
 * time: the next waits until the one before is delivered or given up (a {@link Delivery.Kind#DONE}
 * record on the retry topic says so).
 */
final class LaneScheduler extends KeyedProcessFunction<String, Delivery, Delivery> {
    private static final long serialVersionUID = 1L;
    static final String UID = "schedule-deliveries";

    private final DeliverySettings settings;
    private transient EndpointDirectory endpoints;
    private transient MapState<String, Delivery> waiting;
    private transient ValueState<String> current;
    private transient ListState<Delivery> queue;

    LaneScheduler(DeliverySettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        endpoints = DeliveryResources.directory(settings);
        waiting =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "waiting",
                                        Types.STRING,
                                        TypeInformation.of(Delivery.class)));
        current = getRuntimeContext().getState(new ValueStateDescriptor<>("current", Types.STRING));
        queue =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "queue", TypeInformation.of(Delivery.class)));
        getRuntimeContext()
                .getMetricGroup()
                .gauge(MetricNames.DELIVERIES_WAITING, () -> waitingCount);
    }

    /**
     * Held deliveries of this subtask, for the gauge (approximate: counted as they come and go).
     */
    private long waitingCount;

    @Override
    public void processElement(Delivery d, Context ctx, Collector<Delivery> out) throws Exception {
        if (d.kind == Delivery.Kind.DONE) {
            finished(d.deliveryId, ctx, out);
            return;
        }
        boolean ordered = endpoints.find(d.appId, d.endpoint).map(Endpoint::ordered).orElse(false);
        if (!ordered && !d.ordered) {
            schedule(d, ctx, out);
            return;
        }
        d.ordered = true;
        String head = current.value();
        if (head == null || head.equals(d.deliveryId)) {
            current.update(d.deliveryId);
            schedule(d, ctx, out);
            return;
        }
        for (Delivery q : queue.get()) {
            if (q.deliveryId.equals(d.deliveryId)) {
                return; // a retried copy of one already queued
            }
        }
        queue.add(d);
        waitingCount++;
    }

    private void finished(String deliveryId, Context ctx, Collector<Delivery> out)
            throws Exception {
        if (!deliveryId.equals(current.value())) {
            return; // a repeated signal, or one for a lane that moved on
        }
        current.clear();
        List<Delivery> rest = new ArrayList<>();
        queue.get().forEach(rest::add);
        if (rest.isEmpty()) {
            return;
        }
        Delivery next = rest.remove(0);
        waitingCount--;
        queue.update(rest);
        current.update(next.deliveryId);
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
        waiting.put(d.deliveryId, d);
        ctx.timerService().registerProcessingTimeTimer(d.dueAtMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Delivery> out)
            throws Exception {
        Iterator<Map.Entry<String, Delivery>> it = waiting.iterator();
        while (it.hasNext()) {
            Delivery d = it.next().getValue();
            if (d.dueAtMillis <= timestamp) {
                it.remove();
                waitingCount--;
                out.collect(d);
            }
        }
    }
}
