package io.causality.ingest.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.causality.ingest.IngestConfig;
import io.causality.ingest.IngestMetrics;
import io.causality.ingest.auth.KeyCache;
import io.causality.ingest.http.IngestHandler;
import io.causality.ingest.kafka.EventPublisher;
import io.causality.schemas.EventValidator;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service: one HTTP server per event loop sharing a port, a key cache refreshed from
 * PostgreSQL, and the Kafka publisher. {@link #stop()} drains: it stops taking requests, answers
 * the ones in flight, then flushes the producer.
 */
public final class IngestServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);

    private final IngestConfig config;
    private final IngestMetrics metrics = new IngestMetrics();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private HikariDataSource dataSource;
    private KeyCache keys;
    private EventPublisher publisher;
    private Vertx vertx;
    private int port;
    private long refreshTimer = -1;

    public IngestServer(IngestConfig config) {
        this.config = config;
    }

    public IngestServer start() throws Exception {
        dataSource = dataSource(config);
        keys = KeyCache.overDatabase(dataSource, config.keyRefreshInterval(), Clock.systemUTC());
        refreshKeys();
        publisher = new EventPublisher(config);
        metrics.gauges(publisher::inflightBytes, publisher::reachable, keys::healthy);

        vertx =
                Vertx.vertx(
                        new VertxOptions()
                                .setEventLoopPoolSize(config.eventLoops())
                                .setWorkerPoolSize(4)
                                .setPreferNativeTransport(false));
        refreshTimer =
                vertx.setPeriodic(
                        config.keyRefreshInterval().toMillis(),
                        id ->
                                vertx.executeBlocking(
                                        () -> {
                                            refreshKeys();
                                            return null;
                                        },
                                        false));
        IngestHandler handler =
                new IngestHandler(
                        vertx,
                        config,
                        keys,
                        new EventValidator(),
                        publisher,
                        metrics,
                        Clock.systemUTC(),
                        draining::get);
        HttpServerOptions options =
                new HttpServerOptions()
                        .setHost(config.host())
                        .setPort(config.port())
                        .setIdleTimeout(60)
                        .setIdleTimeoutUnit(TimeUnit.SECONDS)
                        // HTTP/1.1 only: TLS and HTTP/2 belong to the proxy in front. Vert.x would
                        // accept an
                        // h2c upgrade (101) and then leave the request unanswered.
                        .setHttp2ClearTextEnabled(false)
                        .setDecompressionSupported(false)
                        .setCompressionSupported(false);
        vertx.deployVerticle(
                        () ->
                                new VerticleBase() {
                                    @Override
                                    public Future<?> start() {
                                        return vertx.createHttpServer(options)
                                                .requestHandler(handler)
                                                .listen()
                                                .onSuccess(servers::add);
                                    }
                                },
                        new DeploymentOptions().setInstances(config.eventLoops()))
                .await(30, TimeUnit.SECONDS);
        port = servers.get(0).actualPort();
        LOG.info("ingest listening on {}:{} ({})", config.host(), port, config.describe());
        return this;
    }

    private void refreshKeys() {
        try {
            keys.refresh();
        } catch (Exception e) {
            LOG.warn("could not reload write keys from PostgreSQL: {}", e.toString());
        }
    }

    static HikariDataSource dataSource(IngestConfig config) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.dbUrl());
        hc.setUsername(config.dbUser());
        hc.setPassword(config.dbPassword());
        hc.setMaximumPoolSize(4);
        hc.setMinimumIdle(1);
        hc.setPoolName("causality-keys");
        hc.setConnectionTimeout(3000);
        hc.setValidationTimeout(1000);
        // Start even when PostgreSQL is down: readiness says so, and keys load when it is back.
        hc.setInitializationFailTimeout(-1);
        return new HikariDataSource(hc);
    }

    public int port() {
        return port;
    }

    public IngestMetrics metrics() {
        return metrics;
    }

    /** Stops taking requests, answers those in flight, flushes the producer, then releases all. */
    public void stop() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        Duration timeout = config.shutdownTimeout();
        LOG.info("draining: no new requests, waiting up to {} for those in flight", timeout);
        // Stop the key reload first: it must not be scheduled onto a closing worker pool.
        vertx.cancelTimer(refreshTimer);
        try {
            Future.all(
                            servers.stream()
                                    .map(s -> s.shutdown(timeout.toMillis(), TimeUnit.MILLISECONDS))
                                    .toList())
                    .await(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("not every request finished before the shutdown timeout: {}", e.toString());
        }
        publisher.close(timeout);
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Vert.x did not close cleanly: {}", e.toString());
        }
        dataSource.close();
        metrics.close();
        LOG.info("ingest stopped");
    }

    @Override
    public void close() {
        stop();
    }
}
