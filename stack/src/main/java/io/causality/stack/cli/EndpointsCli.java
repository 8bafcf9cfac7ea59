package io.causality.stack.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.causality.contracts.Durations;
import io.causality.stack.LocalStack;
import io.causality.stack.endpoints.EndpointsCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code causality endpoints ...}: the command line of {@link EndpointsCommand}. */
@Command(
        name = "endpoints",
        description = "Register and manage webhook endpoints per app (docs/delivery.md).",
        subcommands = {
            EndpointsCli.Add.class,
            EndpointsCli.ListEndpoints.class,
            EndpointsCli.Show.class,
            EndpointsCli.RotateSecret.class,
            EndpointsCli.Disable.class,
            EndpointsCli.Enable.class,
            EndpointsCli.Delete.class
        })
final class EndpointsCli {
    private EndpointsCli() {}

    /** A command run against the local stack's database. */
    private interface Body {
        int run(EndpointsCommand command) throws Exception;
    }

    private static int withStore(Body body) throws Exception {
        LocalStack stack = Causality.stack();
        try (HikariDataSource ds = stack.dataSource()) {
            return body.run(new EndpointsCommand(stack.endpoints(ds), System.out, System.err));
        }
    }

    /** Which endpoint: its app and name. */
    static final class Which {
        @Parameters(index = "0", paramLabel = "APP", description = "the app it belongs to")
        String app;

        @Parameters(index = "1", paramLabel = "NAME", description = "its name, as rules call it")
        String name;
    }

    @Command(name = "add", description = "Register an endpoint; prints its signing secret once.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "APP")
        String app;

        @Parameters(
                index = "1",
                paramLabel = "NAME",
                description = "what rules call it: webhook \"NAME\"")
        String name;

        @Parameters(index = "2", paramLabel = "URL", description = "https://...")
        String url;

        @Option(names = "--rate", paramLabel = "N/s", description = "at most N messages per second")
        String rate;

        @Option(names = "--ordered", description = "one message at a time per match key, in order")
        boolean ordered;

        @Override
        public Integer call() throws Exception {
            Integer perSecond;
            try {
                perSecond = EndpointsCommand.parseRate(rate);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            return withStore(c -> c.add(app, name, url, perSecond, ordered));
        }
    }

    @Command(name = "list", description = "List endpoints (never their secrets).")
    static final class ListEndpoints implements Callable<Integer> {
        @Option(names = "--app", description = "only this app's")
        String app;

        @Override
        public Integer call() throws Exception {
            return withStore(c -> c.list(app));
        }
    }

    @Command(
            name = "show",
            description = "One endpoint: state, rate, secrets in use, last success.")
    static final class Show implements Callable<Integer> {
        @picocli.CommandLine.Mixin Which which = new Which();

        @Override
        public Integer call() throws Exception {
            return withStore(c -> c.show(which.app, which.name));
        }
    }

    @Command(
            name = "rotate-secret",
            description =
                    "Give an endpoint a new secret; the old one keeps signing beside it for the grace"
                            + " period.")
    static final class RotateSecret implements Callable<Integer> {
        @picocli.CommandLine.Mixin Which which = new Which();

        @Option(
                names = "--grace",
                defaultValue = "24h",
                description = "how long the old secret still signs (default 24h)")
        String grace;

        @Override
        public Integer call() throws Exception {
            java.time.Duration g;
            try {
                g = Durations.parse(grace);
            } catch (IllegalArgumentException e) {
                System.err.println("--grace: " + e.getMessage());
                return 2;
            }
            return withStore(c -> c.rotateSecret(which.app, which.name, g));
        }
    }

    @Command(
            name = "disable",
            description = "Stop delivering to an endpoint; what comes meanwhile is dead-lettered.")
    static final class Disable implements Callable<Integer> {
        @picocli.CommandLine.Mixin Which which = new Which();

        @Option(names = "--reason", description = "shown by endpoints show")
        String reason;

        @Override
        public Integer call() throws Exception {
            return withStore(c -> c.setEnabled(which.app, which.name, false, reason));
        }
    }

    @Command(name = "enable", description = "Deliver to an endpoint again.")
    static final class Enable implements Callable<Integer> {
        @picocli.CommandLine.Mixin Which which = new Which();

        @Override
        public Integer call() throws Exception {
            return withStore(c -> c.setEnabled(which.app, which.name, true, null));
        }
    }

    @Command(name = "delete", description = "Delete an endpoint and its secrets.")
    static final class Delete implements Callable<Integer> {
        @picocli.CommandLine.Mixin Which which = new Which();

        @Override
        public Integer call() throws Exception {
            return withStore(c -> c.delete(which.app, which.name));
        }
    }
}
