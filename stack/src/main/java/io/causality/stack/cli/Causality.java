package io.causality.stack.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.causality.contracts.Topics;
import io.causality.ingest.auth.KeyAdmin;
import io.causality.ingest.auth.WriteKey;
import io.causality.processes.StackLayout;
import io.causality.stack.LocalStack;
import io.causality.stack.StackConfig;
import io.causality.stack.demo.Demo;
import io.causality.stack.demo.IngestClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code causality} command: runs the local stack and manages what lives in it. */
@Command(
        name = "causality",
        mixinStandardHelpOptions = true,
        description =
                "Runs the Causality pipeline locally and manages its keys, rules and endpoints.",
        subcommands = {
            Causality.Up.class,
            Causality.Down.class,
            Causality.Status.class,
            Causality.DemoCmd.class,
            Causality.Sql.class,
            Causality.Rules.class,
            Causality.Keys.class,
            JobsCli.class,
            EndpointsCli.class,
            DeliveriesCli.class
        })
public final class Causality {

    static LocalStack stack() {
        Path root = Path.of(System.getProperty("causality.root", ".")).toAbsolutePath().normalize();
        return new LocalStack(
                root,
                StackLayout.fromEnvironment(root),
                StackConfig.fromEnvironment(System.getenv()),
                System.out);
    }

    @Command(
            name = "up",
            description =
                    "Start PostgreSQL, Kafka and the ingest service (what already runs is left running).")
    static final class Up implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            stack().up();
            return 0;
        }
    }

    @Command(name = "down", description = "Stop everything `up` started, in reverse order.")
    static final class Down implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            stack().down();
            return 0;
        }
    }

    @Command(
            name = "status",
            description =
                    "Show which components run and how each job does (state, uptime, restarts,"
                            + " last checkpoint, input lag, records/s); exit 1 if any component"
                            + " does not run or any job is unhealthy.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            LocalStack stack = stack();
            boolean ok = stack.status();
            if (stack.config().flinkEnabled() && stack.flink().jobManager().running().isPresent()) {
                System.out.println();
                ok &= stack.jobs().printHealth(System.out, java.time.Instant.now());
            }
            return ok ? 0 : 1;
        }
    }

    @Command(
            name = "demo",
            description =
                    "Send realistic demo traffic (some of it invalid) through the running ingest.")
    static final class DemoCmd implements Callable<Integer> {
        @Option(
                names = "--events",
                defaultValue = "3000",
                description = "how many events (default ${DEFAULT-VALUE})")
        int events;

        @Option(
                names = "--seed",
                description =
                        "random seed; by default a new one each run (the same seed sends the same"
                                + " event ids again, and the lake stores them once)")
        Long seed;

        @Option(
                names = "--batch-size",
                defaultValue = "100",
                description = "events per request (default ${DEFAULT-VALUE})")
        int batchSize;

        /** What the reaction job counted since it started, so that nothing it skipped is silent. */
        private static void printReactionCounters(LocalStack stack) throws InterruptedException {
            var counters = stack.reactionCounters(java.time.Duration.ofSeconds(30));
            if (counters.isEmpty()) {
                return;
            }
            System.out.println("reaction job counters since it started (Flink metrics):");
            counters.forEach((name, n) -> System.out.printf("  %-26s %8d%n", name, n));
            if (counters.getOrDefault("lateSequenceEvents", 0L) > 0) {
                System.out.println(
                        "  (lateSequenceEvents: events whose own time was already behind event"
                                + " time when they arrived, held by a client for longer than"
                                + " watermark.out-of-orderness; per-event rules and the lake still"
                                + " have them)");
            }
        }

        /** The rules the demo's stories complete, if they are deployed (they may be edited). */
        private static java.util.Set<String> storyRules(Demo.Result r, LocalStack stack) {
            var deployed =
                    new io.causality.rules.topic.RuleTopic(
                                    stack.kafka().bootstrapServers(), Topics.RULES)
                            .read(java.time.Duration.ofSeconds(30))
                            .rules()
                            .keySet();
            java.util.Set<String> out = new java.util.TreeSet<>();
            r.stories().stream().filter(s -> !s.detector()).forEach(s -> out.add(s.rule()));
            out.retainAll(deployed);
            return out;
        }

        /** Whether the detector the errors story sets off is deployed (the examples deploy it). */
        private static boolean storyDetectorDeployed(LocalStack stack) {
            return new io.causality.rules.topic.RuleTopic(
                            stack.kafka().bootstrapServers(), Topics.RULES)
                    .read(java.time.Duration.ofSeconds(30))
                    .rules()
                    .containsKey(io.causality.stack.demo.DemoStories.ERRORS_DETECTOR);
        }

        private long seedToUse() {
            long s = seed != null ? seed : System.currentTimeMillis();
            System.out.println("demo traffic with seed " + s + " (--seed " + s + " repeats it)");
            return s;
        }

        @Override
        public Integer call() throws Exception {
            LocalStack stack = stack();
            boolean rules = stack.config().flinkEnabled();
            try (Admin admin = stack.kafka().admin();
                    com.zaxxer.hikari.HikariDataSource db = stack.dataSource();
                    io.causality.stack.demo.DemoReceiver receiver =
                            rules
                                    ? new io.causality.stack.demo.DemoReceiver(
                                            stack.config().receiverPort())
                                    : null) {
                var deliveries =
                        new io.causality.stack.demo.DeliveryReport(
                                admin, stack.kafka().bootstrapServers(), db, System.out);
                if (rules) {
                    deliveries.register(stack.endpoints(db), receiver);
                }
                var deliveryMark = rules ? deliveries.mark() : null;
                var report =
                        new io.causality.stack.demo.RuleMatchReport(
                                admin,
                                stack.kafka().bootstrapServers(),
                                "causality-reaction",
                                System.out);
                var mark = rules ? report.mark() : null;
                var anomalies =
                        new io.causality.stack.demo.AnomalyReport(
                                admin, stack.kafka().bootstrapServers(), System.out);
                var anomalyMark = rules ? anomalies.mark() : null;
                if (rules) {
                    System.out.println("deploying the example rules (rules/examples):");
                    new io.causality.stack.rules.RulesCommand(System.out, System.err)
                            .deploy(
                                    java.util.List.of(stack.root().resolve("rules/examples")),
                                    false,
                                    new io.causality.rules.topic.RuleTopic(
                                            stack.kafka().bootstrapServers(), Topics.RULES),
                                    new io.causality.stack.rules.EmitTopics(
                                            stack.kafka().bootstrapServers()),
                                    true);
                }
                Demo.Result r =
                        new Demo(
                                        new IngestClient(stack.config().ingestUrl()),
                                        stack.demoKeys(),
                                        admin,
                                        System.out)
                                .run(events, seedToUse(), batchSize);
                stack.printLake(java.time.Duration.ofSeconds(90));
                boolean lakeOk =
                        io.causality.stack.demo.LakeQueries.checkRun(
                                stack, r, java.time.Duration.ofSeconds(120), System.out);
                boolean rulesOk =
                        !rules
                                || report.print(
                                        mark,
                                        storyRules(r, stack),
                                        java.time.Duration.ofSeconds(180));
                boolean anomaliesOk =
                        !rules
                                || !storyDetectorDeployed(stack)
                                || anomalies.print(
                                        anomalyMark,
                                        io.causality.stack.demo.DemoStories.ERRORS_DETECTOR,
                                        java.time.Duration.ofSeconds(180));
                boolean deliveriesOk =
                        !rules
                                || deliveries.print(
                                        deliveryMark, receiver, java.time.Duration.ofSeconds(120));
                if (rules) {
                    printReactionCounters(stack);
                }
                return r.kafkaGained() == r.accepted()
                                && lakeOk
                                && rulesOk
                                && anomaliesOk
                                && deliveriesOk
                        ? 0
                        : 1;
            }
        }
    }

    @Command(
            name = "sql",
            description = {
                "Run a SQL query on the local Trino and print the result as a table.",
                "The lake is the table `events` (catalog lake, schema causality); new partitions are"
                        + " registered before the query runs. Example:",
                "  causality sql \"SELECT type, count(*) FROM events GROUP BY type ORDER BY 2 DESC\""
            })
    static final class Sql implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "QUERY", description = "one SQL statement")
        String query;

        @Option(
                names = "--timeout",
                defaultValue = "300",
                description = "seconds the query may take (default ${DEFAULT-VALUE})")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            return stack().sql(query, java.time.Duration.ofSeconds(timeoutSeconds), System.err)
                    ? 0
                    : 1;
        }
    }

    @Command(
            name = "rules",
            description = "Validate, deploy, list and delete rules (docs/rules.md).",
            subcommands = {
                Rules.Validate.class,
                Rules.Deploy.class,
                Rules.ListRules.class,
                Rules.Delete.class
            })
    static final class Rules {
        static io.causality.stack.rules.RulesCommand command() {
            return new io.causality.stack.rules.RulesCommand(System.out, System.err);
        }

        /** Where the rules topic is: the local stack's Kafka unless told otherwise. */
        static final class Target {
            @Option(
                    names = "--bootstrap-servers",
                    description = "Kafka to deploy to (default: the local stack's)")
            String bootstrapServers;

            String servers() {
                return bootstrapServers != null
                        ? bootstrapServers
                        : stack().kafka().bootstrapServers();
            }

            io.causality.rules.topic.RuleTopic topic() {
                return new io.causality.rules.topic.RuleTopic(servers(), Topics.RULES);
            }
        }

        @Command(
                name = "validate",
                description =
                        "Check rule files (or folders of *.rules): syntax, event types and fields"
                                + " against the schemas, types, regexes. Exit 1 on any error.")
        static final class Validate implements Callable<Integer> {
            @Parameters(arity = "1..*", paramLabel = "FILE", description = "rule files or folders")
            java.util.List<Path> files;

            @Override
            public Integer call() throws Exception {
                return command().validate(files);
            }
        }

        @Command(
                name = "deploy",
                description =
                        "Validate, then publish new and changed rules (each with its next version)"
                                + " to the rules topic in one transaction.")
        static final class Deploy implements Callable<Integer> {
            @Parameters(arity = "1..*", paramLabel = "FILE", description = "rule files or folders")
            java.util.List<Path> files;

            @Option(
                    names = "--prune",
                    description = "also delete deployed rules that these files no longer hold")
            boolean prune;

            @Option(
                    names = "--create-topics",
                    description = "create the topics the rules emit to, where they do not exist")
            boolean createTopics;

            @CommandLine.Mixin Target target = new Target();

            @Override
            public Integer call() throws Exception {
                return command()
                        .deploy(
                                files,
                                prune,
                                target.topic(),
                                new io.causality.stack.rules.EmitTopics(target.servers()),
                                createTopics);
            }
        }

        @Command(name = "list", description = "List the deployed rules.")
        static final class ListRules implements Callable<Integer> {
            @CommandLine.Mixin Target target = new Target();

            @Override
            public Integer call() {
                return command().list(target.topic());
            }
        }

        @Command(
                name = "delete",
                description = "Delete a deployed rule (a tombstone on the topic).")
        static final class Delete implements Callable<Integer> {
            @Parameters(index = "0", paramLabel = "NAME", description = "the rule's name")
            String name;

            @CommandLine.Mixin Target target = new Target();

            @Override
            public Integer call() {
                return command().delete(name, target.topic());
            }
        }
    }

    @Command(
            name = "keys",
            description = "Manage write keys.",
            subcommands = {Keys.Create.class, Keys.ListKeys.class, Keys.Revoke.class})
    static final class Keys {
        @Command(
                name = "create",
                description =
                        "Create a write key for an app; the key is printed once and never stored.")
        static final class Create implements Callable<Integer> {
            @Option(names = "--app", required = true, description = "app id (a-z, 0-9, '-', '_')")
            String app;

            @Option(
                    names = "--label",
                    defaultValue = "",
                    description = "a note on what uses the key")
            String label;

            @Option(
                    names = "--signed",
                    description = "require HMAC-signed requests (server-side sources)")
            boolean signed;

            @Override
            public Integer call() throws Exception {
                LocalStack stack = stack();
                try (HikariDataSource ds = stack.dataSource()) {
                    KeyAdmin.NewKey k = stack.keyAdmin(ds).create(app, label, signed);
                    System.out.println("write key:  " + k.plainKey());
                    System.out.println("key id:     " + k.record().keyId());
                    System.out.println("app:        " + k.record().appId());
                    if (signed) {
                        System.out.println("signing secret: " + k.signingSecret());
                        System.out.println(
                                "            requests must be signed with it, see docs/ingest.md (Write keys and signing)");
                    }
                    System.out.println(
                            signed
                                    ? "Store the key and its signing secret now: only the key's hash is kept."
                                    : "Store the key now: only its hash is kept.");
                }
                return 0;
            }
        }

        @Command(name = "list", description = "List write keys (ids, apps, state; never the keys).")
        static final class ListKeys implements Callable<Integer> {
            @Override
            public Integer call() throws Exception {
                LocalStack stack = stack();
                try (HikariDataSource ds = stack.dataSource()) {
                    System.out.printf(
                            "%-10s %-20s %-8s %-7s %-25s %s%n",
                            "KEY ID", "APP", "STATE", "SIGNED", "CREATED", "LABEL");
                    for (WriteKey k : stack.keyAdmin(ds).list()) {
                        System.out.printf(
                                "%-10s %-20s %-8s %-7s %-25s %s%n",
                                k.keyId(),
                                k.appId(),
                                k.revoked() ? "revoked" : "active",
                                k.signingRequired() ? "yes" : "no",
                                k.createdAt(),
                                k.label());
                    }
                }
                return 0;
            }
        }

        @Command(
                name = "revoke",
                description =
                        "Revoke a write key by its id; the ingest refuses it within its refresh interval.")
        static final class Revoke implements Callable<Integer> {
            @Parameters(index = "0", description = "key id, as `keys list` shows it")
            String keyId;

            @Override
            public Integer call() throws Exception {
                LocalStack stack = stack();
                try (HikariDataSource ds = stack.dataSource()) {
                    if (stack.keyAdmin(ds).revoke(keyId)) {
                        System.out.println("revoked " + keyId);
                        return 0;
                    }
                    System.err.println(
                            "no active key with id " + keyId + " (see `causality keys list`)");
                    return 1;
                }
            }
        }
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Causality());
        cli.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    cmd.getErr().println("error: " + e.getMessage());
                    return 1;
                });
        System.exit(cli.execute(args));
    }
}
