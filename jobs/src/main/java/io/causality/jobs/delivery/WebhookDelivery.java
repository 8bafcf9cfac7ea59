package io.causality.jobs.delivery;

import io.causality.contracts.MetricNames;
import io.causality.webhooks.Attempt;
import io.causality.webhooks.Delivery;
import io.causality.webhooks.DeliveryCodec;
import io.causality.webhooks.Endpoint;
import io.causality.webhooks.EndpointDirectory;
import io.causality.webhooks.EndpointGate;
import io.causality.webhooks.EndpointStore;
import io.causality.webhooks.RetrySchedule;
import io.causality.webhooks.WebhookSender;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One turn of a delivery, in Flink's async I/O: finds the endpoint (its app's, by name), asks its
 * gate, sends the signed request and says what comes next. Deliveries the gate holds back come out
 * at once as {@link Outcome.Result#DEFERRED}, so a slow endpoint occupies at most its own slots of
 * the capacity. What the job learns about an endpoint (a success, failing since when, a 410) is
 * written to PostgreSQL on a thread of its own.
 */
final class WebhookDelivery extends RichAsyncFunction<Delivery, Outcome> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);
    static final String UID = "send-webhooks";

    private final DeliverySettings settings;
    private transient WebhookSender sender;
    private transient EndpointDirectory endpoints;
    private transient EndpointStore store;
    private transient EndpointGate gate;
    private transient RetrySchedule schedule;
    private transient ExecutorService health;

    /**
     * When a success of each endpoint was last written (nanoTime); none after a failure. A busy
     * endpoint's successes are written at most once a second: one row update per delivery would
     * queue behind the single health thread (1,600 a second in the delivery benchmark).
     */
    private transient Map<String, Long> successWritten;

    private static final long WRITE_SUCCESS_EVERY_NANOS = 1_000_000_000L;
    private transient OutcomeCounters outcomes;
    private transient Counter disabled;
    private transient Histogram latency;

    WebhookDelivery(DeliverySettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        sender = DeliveryResources.sender(settings);
        store = DeliveryResources.store(settings);
        endpoints = DeliveryResources.directory(settings);
        gate =
                new EndpointGate(
                        settings.maxInFlightPerEndpoint(),
                        settings.breakerFailures(),
                        settings.breakerOpen(),
                        System::nanoTime);
        schedule = new RetrySchedule(settings.retrySchedule(), new SplittableRandom());
        successWritten = new ConcurrentHashMap<>();
        health =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "endpoint-health");
                            t.setDaemon(true);
                            return t;
                        });
        var metrics = getRuntimeContext().getMetricGroup();
        outcomes = new OutcomeCounters(metrics);
        disabled = metrics.counter(MetricNames.ENDPOINTS_DISABLED);
        latency =
                metrics.histogram(
                        MetricNames.ATTEMPT_LATENCY, new DescriptiveStatisticsHistogram(1000));
        metrics.gauge(MetricNames.BREAKERS_OPEN, () -> gate.open());
    }

    @Override
    public void close() {
        if (health != null) {
            health.shutdown();
            try {
                health.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (sender != null) {
            sender.close();
        }
    }

    @Override
    public void asyncInvoke(Delivery d, ResultFuture<Outcome> result) {
        Optional<Endpoint> found = endpoints.find(d.appId, d.endpoint);
        if (found.isEmpty()) {
            outcomes.count(OutcomeCounters.Kind.REFUSED, d.appId, d.endpoint);
            result.complete(
                    List.of(
                            Outcome.of(
                                    Outcome.Result.REFUSED,
                                    d,
                                    "app "
                                            + d.appId
                                            + " has no endpoint named "
                                            + d.endpoint
                                            + " (causality endpoints add "
                                            + d.appId
                                            + " "
                                            + d.endpoint
                                            + " <url>)")));
            return;
        }
        Endpoint e = found.get();
        if (!e.enabled()) {
            outcomes.count(OutcomeCounters.Kind.REFUSED, d.appId, d.endpoint);
            result.complete(
                    List.of(
                            Outcome.of(
                                    Outcome.Result.REFUSED,
                                    d,
                                    "endpoint "
                                            + d.appId
                                            + "/"
                                            + d.endpoint
                                            + " is disabled: "
                                            + e.disabledReason())));
            return;
        }
        String gateKey = d.appId + "/" + d.endpoint;
        EndpointGate.Decision decision = gate.tryAcquire(gateKey, e.ratePerSecond());
        if (!decision.go()) {
            outcomes.count(OutcomeCounters.Kind.DEFERRED, d.appId, d.endpoint);
            Outcome o =
                    Outcome.of(
                            Outcome.Result.DEFERRED,
                            d,
                            decision.verdict().name().toLowerCase(java.util.Locale.ROOT));
            o.nextDueMillis =
                    System.currentTimeMillis() + Math.max(10, decision.retryIn().toMillis());
            result.complete(List.of(o));
            return;
        }
        Delivery next = d.copy();
        next.attempts = d.attempts + 1;
        Instant now = Instant.now();
        long startedNanos = System.nanoTime();
        sender.send(
                        e.url(),
                        d.deliveryId,
                        e.signingSecrets(now),
                        d.body.getBytes(StandardCharsets.UTF_8))
                .whenComplete(
                        (attempt, error) -> {
                            gate.release(
                                    gateKey,
                                    attempt != null
                                            && attempt.outcome() == Attempt.Outcome.DELIVERED,
                                    Duration.ofNanos(System.nanoTime() - startedNanos));
                            if (error != null) {
                                attempt =
                                        new Attempt(
                                                Attempt.Outcome.RETRY,
                                                now,
                                                0,
                                                null,
                                                error.toString(),
                                                null,
                                                null);
                            }
                            finish(next, e, attempt, result);
                        });
    }

    private void finish(Delivery d, Endpoint e, Attempt a, ResultFuture<Outcome> result) {
        latency.update(a.latencyMillis());
        d.history = DeliveryCodec.withAttempt(d.history, d.attempts, a);
        Outcome o = new Outcome();
        o.delivery = d;
        o.attempted = true;
        o.startedMillis = a.startedAt().toEpochMilli();
        o.latencyMillis = a.latencyMillis();
        o.status = a.status();
        o.error = a.error();
        o.responseHead = a.responseHead();
        switch (a.outcome()) {
            case DELIVERED -> {
                outcomes.count(OutcomeCounters.Kind.DELIVERED, d.appId, d.endpoint);
                o.result = Outcome.Result.DELIVERED;
                if (successDue(d.appId + "/" + d.endpoint)) {
                    health.execute(() -> recordSuccess(e, a.startedAt()));
                }
                result.complete(List.of(o));
            }
            case REFUSED -> {
                outcomes.count(OutcomeCounters.Kind.REFUSED, d.appId, d.endpoint);
                o.result = Outcome.Result.REFUSED;
                result.complete(List.of(o));
            }
            case GONE -> {
                outcomes.count(OutcomeCounters.Kind.FAILED, d.appId, d.endpoint);
                o.result = Outcome.Result.GONE;
                o.endpointDisabled = "answered 410 Gone at " + a.startedAt();
                health.execute(
                        () -> {
                            disable(e, o.endpointDisabled);
                            result.complete(List.of(o));
                        });
            }
            case RETRY -> {
                Optional<Duration> delay =
                        schedule.delayAfter(
                                d.attemptsThisRound(), Optional.ofNullable(a.retryAfter()));
                if (delay.isPresent()) {
                    outcomes.count(OutcomeCounters.Kind.RETRIED, d.appId, d.endpoint);
                    o.result = Outcome.Result.RETRY;
                    o.nextDueMillis = System.currentTimeMillis() + delay.get().toMillis();
                } else {
                    outcomes.count(OutcomeCounters.Kind.FAILED, d.appId, d.endpoint);
                    o.result = Outcome.Result.FAILED;
                }
                health.execute(
                        () -> {
                            o.endpointDisabled = recordFailure(e, a.startedAt());
                            result.complete(List.of(o));
                        });
            }
        }
    }

    /** Whether this success is to be written: the first after a failure, else once a second. */
    private boolean successDue(String endpoint) {
        long now = System.nanoTime();
        boolean[] due = {false};
        successWritten.compute(
                endpoint,
                (k, last) -> {
                    if (last == null || now - last >= WRITE_SUCCESS_EVERY_NANOS) {
                        due[0] = true;
                        return now;
                    }
                    return last;
                });
        return due[0];
    }

    private void recordSuccess(Endpoint e, Instant at) {
        try {
            store.recordSuccess(e.appId(), e.name(), at);
        } catch (Exception ex) {
            LOG.warn(
                    "could not record a success of endpoint {}/{}: {}",
                    e.appId(),
                    e.name(),
                    ex.toString());
        }
    }

    /**
     * Records the failure; disables the endpoint when it has failed too long. Returns why, or null.
     */
    private String recordFailure(Endpoint e, Instant at) {
        successWritten.remove(e.appId() + "/" + e.name());
        try {
            Instant since = store.recordFailure(e.appId(), e.name(), at);
            if (since != null
                    && Duration.between(since, at).compareTo(settings.disableAfter()) >= 0) {
                String why = "failing without a success since " + since;
                disable(e, why);
                return why;
            }
        } catch (Exception ex) {
            LOG.warn(
                    "could not record a failure of endpoint {}/{}: {}",
                    e.appId(),
                    e.name(),
                    ex.toString());
        }
        return null;
    }

    private void disable(Endpoint e, String why) {
        try {
            if (store.setEnabled(e.appId(), e.name(), false, why)) {
                disabled.inc();
                LOG.warn("endpoint {}/{} disabled: {}", e.appId(), e.name(), why);
            }
            endpoints.reload();
        } catch (Exception ex) {
            LOG.warn("could not disable endpoint {}/{}: {}", e.appId(), e.name(), ex.toString());
        }
    }

    @Override
    public void timeout(Delivery d, ResultFuture<Outcome> result) {
        // The sender's own deadline comes first; this is the job's last word if it did not.
        Delivery next = d.copy();
        next.attempts = d.attempts + 1;
        Optional<Duration> delay = schedule.delayAfter(next.attemptsThisRound(), Optional.empty());
        Outcome o =
                Outcome.of(
                        delay.isPresent() ? Outcome.Result.RETRY : Outcome.Result.FAILED,
                        next,
                        "timed out in the job");
        o.attempted = true;
        o.startedMillis = System.currentTimeMillis();
        o.nextDueMillis = System.currentTimeMillis() + delay.map(Duration::toMillis).orElse(0L);
        result.complete(List.of(o));
    }
}
