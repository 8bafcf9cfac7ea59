package io.causality.processes;

import io.causality.contracts.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real Kafka broker (KRaft, broker and controller in one) in its own JVM, listening on 127.0.0.1
 * only. Its data directory survives restarts; it is formatted once.
 */
public final class KafkaBroker {
    private static final String CLUSTER_ID = "causalitylocalcluster1";

    private final Path dataDir;
    private final Path confDir;
    private final int port;
    private final int controllerPort;
    private final ManagedProcess process;

    public KafkaBroker(StackLayout layout, int port, int controllerPort) {
        this.dataDir = layout.kafkaData();
        this.confDir = layout.conf();
        this.port = port;
        this.controllerPort = controllerPort;
        this.process = new ManagedProcess("kafka", layout);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public ManagedProcess process() {
        return process;
    }

    /** Starts the broker unless it runs already, and waits until it answers. */
    public void start(Duration timeout) throws IOException, InterruptedException {
        if (process.running().isPresent()) {
            awaitReady(timeout);
            return;
        }
        Path props = writeServerProperties();
        Path log4j = StackResources.copy("kafka-log4j2.xml", confDir);
        List<String> jvm =
                List.of(
                        "-Xms128m",
                        "-Xmx512m",
                        "-Djava.io.tmpdir=" + dataDir.getParent().resolve("tmp"),
                        "-Dlog4j2.configurationFile=" + log4j);
        if (!Files.exists(dataDir.resolve("logs/meta.properties"))) {
            int rc =
                    ManagedProcess.runJava(
                            jvm,
                            "kafka.tools.StorageTool",
                            List.of(
                                    "format",
                                    "-t",
                                    CLUSTER_ID,
                                    "-c",
                                    props.toString(),
                                    "--ignore-formatted"),
                            process.logFile());
            if (rc != 0) {
                throw new IOException(
                        "formatting Kafka storage failed (exit " + rc + "):\n" + process.tail(20));
            }
        }
        process.startJava(jvm, "kafka.Kafka", List.of(props.toString()));
        awaitReady(timeout);
    }

    private Path writeServerProperties() throws IOException {
        Files.createDirectories(dataDir);
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dataDir.resolve("logs").toString());
        p.putAll(SETTINGS);
        Path file = confDir.resolve("kafka-server.properties");
        Files.createDirectories(confDir);
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, "written by causality: the local single-node broker");
        }
        return file;
    }

    /**
     * The broker's settings beyond its addresses and folders: one node, no topic made by accident.
     * The containers' broker (docker-compose.yml) has the same.
     */
    public static final java.util.Map<String, String> SETTINGS =
            java.util.Map.of(
                    "num.partitions", "3",
                    "offsets.topic.replication.factor", "1",
                    "transaction.state.log.replication.factor", "1",
                    "transaction.state.log.min.isr", "1",
                    "share.coordinator.state.topic.replication.factor", "1",
                    "share.coordinator.state.topic.min.isr", "1",
                    "group.initial.rebalance.delay.ms", "0",
                    "auto.create.topics.enable", "false");

    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        return Admin.create(p);
    }

    /** Waits until the broker answers a describeCluster, or fails with its log. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        try (Admin admin = admin()) {
            // Each look waits up to 3 s for the answer itself.
            Poll.forThe("Kafka to answer", timeout, Duration.ofMillis(100), process)
                    .until(
                            () ->
                                    !admin.describeCluster()
                                            .nodes()
                                            .get(3, TimeUnit.SECONDS)
                                            .isEmpty());
        }
    }

    /** The topics as Kafka's admin client creates them. */
    public static List<NewTopic> newTopics(List<Topics.Spec> specs) {
        return specs.stream()
                .map(
                        s -> {
                            NewTopic t = new NewTopic(s.name(), s.partitions(), (short) 1);
                            return s.compacted()
                                    ? t.configs(java.util.Map.of("cleanup.policy", "compact"))
                                    : t;
                        })
                .toList();
    }

    /** Creates the project's topics; existing ones are left as they are. */
    public void createTopics(List<NewTopic> topics) throws IOException {
        try (Admin admin = admin()) {
            createTopics(admin, topics);
        }
    }

    /** Creates the topics on the broker the admin client talks to; existing ones stay. */
    public static void createTopics(Admin admin, List<NewTopic> topics) throws IOException {
        try {
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            List<NewTopic> missing =
                    topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IOException("creating topics failed: " + e.getCause(), e);
            }
        } catch (Exception e) {
            throw new IOException("creating topics failed: " + e, e);
        }
    }

    public boolean stop() throws IOException {
        return process.stop(Duration.ofSeconds(30));
    }
}
