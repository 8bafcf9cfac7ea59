package io.causality.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.contracts.Topics;
import io.causality.ingest.IngestConfig;
import io.causality.ingest.Settings;
import io.causality.processes.KafkaBroker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml and the files it names: valid for a real compose tool (Debian's
 * docker-compose, which reads a compose file without a Docker engine), and in step with the local
 * stack: the same versions (the parent POM's), broker settings, Flink settings, Trino catalog and
 * ingest configuration, every file it mounts present, every port on 127.0.0.1.
 */
class DeploymentFilesTest {
    private static final Path ROOT = DeploymentFiles.ROOT;

    /** What deploy/compose/secrets.sh would put in .env; values for the test only. */
    private static final Map<String, String> ENV =
            Map.of(
                    "CAUSALITY_S3_SECRET_KEY", "s3-secret-for-the-test",
                    "CAUSALITY_DB_PASSWORD", "db-password-for-the-test",
                    "CAUSALITY_SIGNING_SECRET", "a-signing-secret-of-at-least-32-characters");

    private static JsonNode compose() throws IOException {
        return DeploymentFiles.documents(ROOT.resolve("docker-compose.yml")).get(0);
    }

    private static JsonNode service(String name) throws IOException {
        JsonNode s = compose().path("services").path(name);
        assertThat(s.isMissingNode()).as("service " + name).isFalse();
        return s;
    }

    /** Runs docker-compose config on the file; its exit code and output. */
    private static Map.Entry<Integer, String> composeConfig(Path file) throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder("docker-compose", "-f", file.toString(), "config", "-q")
                        .directory(file.getParent().toFile())
                        .redirectErrorStream(true);
        pb.environment().putAll(ENV);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError(
                    "docker-compose is needed to check docker-compose.yml: apt-get install"
                            + " docker-compose (Debian's package reads compose files without a Docker"
                            + " engine; .ci/run installs it)",
                    e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return Map.entry(p.exitValue(), out);
    }

    @Test
    void dockerComposeAcceptsTheComposeFile() throws Exception {
        var result = composeConfig(ROOT.resolve("docker-compose.yml"));
        assertThat(result.getKey()).as(result.getValue()).isZero();
        assertThat(compose().path("services").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder(
                        "kafka",
                        "postgres",
                        "s3",
                        "jobmanager",
                        "taskmanager",
                        "trino",
                        "ingest",
                        "setup");
    }

    /** The check above means something: the same tool refuses a file with a mistake in it. */
    @Test
    void dockerComposeRefusesABrokenCopy(@TempDir Path dir) throws Exception {
        String text = Files.readString(ROOT.resolve("docker-compose.yml"));
        Path broken = dir.resolve("docker-compose.yml");
        Files.writeString(broken, text.replace("    image: postgres:", "    imagee: postgres:"));
        var result = composeConfig(broken);
        assertThat(result.getKey()).isNotZero();
        assertThat(result.getValue()).contains("imagee");
    }

    @Test
    void imagesAreTheVersionsOfTheParentPom() throws Exception {
        Map<String, String> v = DeploymentFiles.pomProperties();
        assertThat(service("kafka").path("image").asText())
                .isEqualTo("apache/kafka:" + v.get("kafka.version"));
        assertThat(service("trino").path("image").asText())
                .isEqualTo("trinodb/trino:" + v.get("trino.version"));
        assertThat(service("s3").path("image").asText())
                .isEqualTo("andrewgaul/s3proxy:s3proxy-" + v.get("s3proxy.version"));
        for (String flink : List.of("jobmanager", "taskmanager")) {
            assertThat(service(flink).path("image").asText())
                    .isEqualTo("flink:" + v.get("flink.version") + "-java17");
            assertThat(service(flink).path("environment").path("ENABLE_BUILT_IN_PLUGINS").asText())
                    .isEqualTo("flink-s3-fs-hadoop-" + v.get("flink.version") + ".jar");
        }
    }

    @Test
    void everyFileItMountsOrBuildsFromIsInTheRepository() throws Exception {
        List<String> sources = new ArrayList<>();
        for (Iterator<JsonNode> it = compose().path("services").elements(); it.hasNext(); ) {
            for (JsonNode volume : it.next().path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith("./")) {
                    sources.add(source);
                }
            }
        }
        assertThat(sources)
                .contains(
                        "./flink-conf/src/main/container/config.yaml",
                        "./deploy/compose/trino/lake.properties",
                        "./deploy/compose/ingest.properties");
        sources.forEach(s -> assertThat(ROOT.resolve(s)).as(s).isRegularFile());
        assertThat(service("ingest").path("build").asText()).isEqualTo(".");
        for (String line : Files.readAllLines(ROOT.resolve("Dockerfile"))) {
            if (line.startsWith("COPY ") && !line.contains("--from=")) {
                String source = line.split("\\s+")[1];
                if (!source.equals(".")) {
                    assertThat(ROOT.resolve(source)).as(line).exists();
                }
            }
        }
        // The secrets are made by the script, kept out of the repository, and mounted from there.
        String script = Files.readString(ROOT.resolve("deploy/compose/secrets.sh"));
        String ignored = Files.readString(ROOT.resolve(".gitignore"));
        assertThat(ignored).contains("deploy/compose/secrets/", "/.env");
        for (Map.Entry<String, JsonNode> secret : compose().path("secrets").properties()) {
            assertThat(secret.getValue().path("file").asText())
                    .isEqualTo("./deploy/compose/secrets/" + secret.getKey());
            assertThat(script).contains(secret.getKey());
        }
    }

    @Test
    void everyPortIsPublishedOnLoopbackOnly() throws Exception {
        int published = 0;
        for (Iterator<JsonNode> it = compose().path("services").elements(); it.hasNext(); ) {
            for (JsonNode port : it.next().path("ports")) {
                assertThat(port.asText()).startsWith("127.0.0.1:");
                published++;
            }
        }
        assertThat(published).isEqualTo(4);
    }

    @Test
    void theBrokerIsConfiguredAsTheLocalOne() throws Exception {
        JsonNode env = service("kafka").path("environment");
        KafkaBroker.SETTINGS.forEach(
                (k, v) ->
                        assertThat(
                                        env.path(
                                                        "KAFKA_"
                                                                + k.toUpperCase(Locale.ROOT)
                                                                        .replace('.', '_'))
                                                .asText())
                                .as(k)
                                .isEqualTo(v));
        assertThat(env.path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
    }

    /** Both Flink configurations say the same about state, checkpoints, restarts and metrics. */
    @Test
    void theFlinkConfigurationsAgree() throws Exception {
        Map<String, String> local =
                DeploymentFiles.flinkConfig("flink-conf/src/main/flink/config.yaml");
        Map<String, String> container =
                DeploymentFiles.flinkConfig("flink-conf/src/main/container/config.yaml");
        for (String key : DeploymentFiles.SHARED_FLINK_KEYS) {
            assertThat(local).as(key).containsKey(key);
            assertThat(container.get(key)).as(key).isEqualTo(local.get(key));
        }
        assertThat(container.get("parallelism.default"))
                .isEqualTo(local.get("parallelism.default"));
        assertThat(local.get("state.backend.type")).isEqualTo("rocksdb");
        assertThat(local.get("execution.checkpointing.incremental")).isEqualTo("true");
        assertThat(container.get("execution.checkpointing.dir")).startsWith("s3://");
        assertThat(container.get("execution.checkpointing.savepoint-dir")).startsWith("s3://");
        // The keys come from the environment, never from the repository.
        assertThat(container).doesNotContainKeys("s3.secret-key", "s3.access-key");
        assertThat(service("jobmanager").path("environment").path("FLINK_PROPERTIES").asText())
                .contains("s3.secret-key: ${CAUSALITY_S3_SECRET_KEY");
    }

    /** The catalog is the local stack's but for where S3 and the metastore folder are. */
    @Test
    void theTrinoCatalogIsTheLocalOne() throws Exception {
        Properties container = new Properties();
        try (InputStream in =
                Files.newInputStream(ROOT.resolve("deploy/compose/trino/lake.properties"))) {
            container.load(in);
        }
        Map<String, String> local = TrinoServer.catalog("endpoint", "access", "secret", "folder");
        assertThat(container.stringPropertyNames())
                .containsExactlyInAnyOrderElementsOf(local.keySet());
        local.forEach(
                (k, v) -> {
                    if (!List.of(
                                    "s3.endpoint",
                                    "s3.aws-access-key",
                                    "s3.aws-secret-key",
                                    "local.location")
                            .contains(k)) {
                        assertThat(container.getProperty(k)).as(k).isEqualTo(v);
                    }
                });
        assertThat(container.getProperty("s3.aws-secret-key"))
                .isEqualTo("${ENV:CAUSALITY_S3_SECRET_KEY}");
        assertThat(service("trino").path("volumes").toString())
                .contains("/etc/trino/catalog/lake.properties");
    }

    /** The real ingest reads the containers' configuration with the secrets compose gives it. */
    @Test
    void theIngestConfigurationLoads() throws Exception {
        JsonNode env = service("ingest").path("environment");
        Map<String, String> given = new HashMap<>();
        env.properties()
                .forEach(
                        e ->
                                given.put(
                                        e.getKey(),
                                        e.getValue().asText().startsWith("${CAUSALITY_DB_PASSWORD")
                                                ? ENV.get("CAUSALITY_DB_PASSWORD")
                                                : ENV.get("CAUSALITY_SIGNING_SECRET")));
        IngestConfig config =
                IngestConfig.from(
                        Settings.load(ROOT.resolve("deploy/compose/ingest.properties"), given));
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.eventsTopic()).isEqualTo(Topics.EVENTS);
        assertThat(config.kafkaBootstrapServers()).isEqualTo("kafka:9092");
        assertThat(config.signingSecret()).isEqualTo(ENV.get("CAUSALITY_SIGNING_SECRET"));
        assertThat(config.dbPassword()).isEqualTo(ENV.get("CAUSALITY_DB_PASSWORD"));
    }

    /** The delivery job on the TaskManager finds the files the setup names in its arguments. */
    @Test
    void theTaskManagerHasTheFilesTheSetupNamesForTheDeliveryJob() throws Exception {
        JsonNode setup = service("setup").path("environment");
        List<String> mounted = new ArrayList<>();
        service("taskmanager")
                .path("secrets")
                .forEach(s -> mounted.add("/run/secrets/" + s.asText()));
        assertThat(mounted)
                .contains(
                        setup.path("CAUSALITY_DB_PASSWORD_FILE").asText(),
                        setup.path("CAUSALITY_DELIVERY_KEY_FILE").asText());
        var jobs =
                JobSpecs.of(
                        new JobSpecs.Where(
                                setup.path("CAUSALITY_KAFKA").asText(),
                                setup.path("CAUSALITY_LAKE").asText(),
                                java.time.Duration.ofSeconds(10),
                                java.time.Duration.ofSeconds(10),
                                3,
                                setup.path("CAUSALITY_DB_URL").asText(),
                                setup.path("CAUSALITY_DB_USER").asText(),
                                setup.path("CAUSALITY_DB_PASSWORD_FILE").asText(),
                                setup.path("CAUSALITY_DELIVERY_KEY_FILE").asText(),
                                null,
                                false));
        assertThat(jobs)
                .extracting(StackJobs.StackJob::label)
                .containsExactly("warehouse", "reaction", "anomaly", "delivery");
        assertThat(jobs.get(3).args())
                .contains("/run/secrets/delivery-secret-key", "/run/secrets/db-password")
                .doesNotContain("--" + io.causality.contracts.OptionKeys.DELIVERY_ALLOW_HTTP);
    }
}
