package io.causality.stack.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.causality.contracts.Topics;
import io.causality.stack.LocalStack;
import io.causality.stack.deliveries.DeliveriesCommand;
import io.causality.stack.deliveries.DeliveryTopics;
import io.causality.webhooks.DeliveryQueries;
import io.causality.webhooks.Endpoint;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code causality deliveries ...}: the command line of {@link DeliveriesCommand}. */
@Command(
        name = "deliveries",
        description =
                "The delivery log: list, show, and replay deliveries with the same webhook-id"
                        + " (docs/delivery.md).",
        subcommands = {
            DeliveriesCli.ListDeliveries.class,
            DeliveriesCli.Show.class,
            DeliveriesCli.Replay.class,
            DeliveriesCli.Recover.class
        })
final class DeliveriesCli {
    private DeliveriesCli() {}

    private interface Body {
        int run(DeliveriesCommand command, LocalStack stack, HikariDataSource db) throws Exception;
    }

    private static int withLog(Body body) throws Exception {
        LocalStack stack = Causality.stack();
        try (HikariDataSource ds = stack.dataSource();
                DeliveryTopics topics =
                        new DeliveryTopics(
                                stack.kafka().bootstrapServers(),
                                Topics.DELIVERIES_RETRY,
                                Topics.DELIVERIES_DLQ)) {
            return body.run(
                    new DeliveriesCommand(
                            new DeliveryQueries(ds),
                            topics,
                            topics,
                            Clock.systemUTC(),
                            System.out,
                            System.err),
                    stack,
                    ds);
        }
    }

    @Command(name = "list", description = "The newest deliveries first.")
    static final class ListDeliveries implements Callable<Integer> {
        @Option(names = "--app", description = "only this app's")
        String app;

        @Option(names = "--endpoint", description = "only to this endpoint")
        String endpoint;

        @Option(names = "--status", description = "pending, retrying, delivered, failed or refused")
        String status;

        @Option(names = "--limit", defaultValue = "50", description = "at most this many (50)")
        int limit;

        @Override
        public Integer call() throws Exception {
            return withLog((c, s, db) -> c.list(app, endpoint, status, limit));
        }
    }

    @Command(
            name = "show",
            description = "One delivery: its state and every attempt with status and latency.")
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID", description = "the delivery (webhook-id)")
        String id;

        @Override
        public Integer call() throws Exception {
            return withLog((c, s, db) -> c.show(id));
        }
    }

    @Command(
            name = "replay",
            description =
                    "Send a delivery again, or (--from-dlq) every dead letter not delivered since;"
                            + " same webhook-id, same body.")
    static final class Replay implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "the delivery")
        String id;

        @Option(names = "--from-dlq", description = "replay the deliveries dead-letter topic")
        boolean fromDlq;

        @Option(names = "--app", description = "with --from-dlq: only this app's")
        String app;

        @Option(names = "--endpoint", description = "with --from-dlq: only to this endpoint")
        String endpoint;

        @Override
        public Integer call() throws Exception {
            if (fromDlq == (id != null)) {
                System.err.println("say which: a delivery ID, or --from-dlq");
                return 2;
            }
            if (!fromDlq && (app != null || endpoint != null)) {
                System.err.println("--app and --endpoint go with --from-dlq");
                return 2;
            }
            return withLog((c, s, db) -> fromDlq ? c.replayFromDlq(app, endpoint) : c.replay(id));
        }
    }

    @Command(
            name = "recover",
            description = "Send again everything that failed for an endpoint since a time.")
    static final class Recover implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ENDPOINT", description = "its name")
        String endpoint;

        @Option(
                names = "--since",
                required = true,
                description = "an instant (2026-12-03T10:00:00Z) or how long ago (2h, 3d)")
        String since;

        @Option(
                names = "--app",
                description = "whose endpoint; needed when several apps have one of that name")
        String app;

        @Override
        public Integer call() throws Exception {
            return withLog(
                    (c, stack, db) -> {
                        String owner = app;
                        if (owner == null) {
                            List<String> apps =
                                    stack.endpoints(db).list(null).stream()
                                            .filter(e -> e.name().equals(endpoint))
                                            .map(Endpoint::appId)
                                            .toList();
                            if (apps.size() != 1) {
                                System.err.println(
                                        apps.isEmpty()
                                                ? "no app has an endpoint named " + endpoint
                                                : "apps "
                                                        + apps
                                                        + " each have an endpoint named "
                                                        + endpoint
                                                        + ": say which with --app");
                                return apps.isEmpty() ? 1 : 2;
                            }
                            owner = apps.get(0);
                        }
                        return c.recover(owner, endpoint, since);
                    });
        }
    }
}
