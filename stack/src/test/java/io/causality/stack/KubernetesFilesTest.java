package io.causality.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.causality.ingest.IngestConfig;
import io.causality.ingest.Settings;
import io.causality.stack.StackJobs.StackJob;
import io.causality.stack.cli.ClusterSetup;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * deploy/kubernetes: every FlinkDeployment valid for the Flink Kubernetes Operator's CRD (strictly:
 * an unknown field is an error, as {@code kubectl apply} makes it), the pod templates of the
 * ingest's Deployment and the setup's Job valid for the pod schema the same CRD holds, and all of
 * it in step with the rest: the jobs' entry classes and arguments are the local stack's (JobSpecs),
 * their Flink settings the containers', the secrets those deploy/compose/secrets.sh makes, the
 * ingest's configuration that of docker-compose.yml.
 */
class KubernetesFilesTest {
    private static final Path DIR = DeploymentFiles.ROOT.resolve("deploy/kubernetes");
    private static final String CRD = "/kubernetes/flinkdeployments.flink.apache.org-v1.json";
    private static final List<String> JOBS =
            List.of("warehouse", "reaction", "anomaly", "delivery");

    private static List<JsonNode> all() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String file : kustomized()) {
            out.addAll(DeploymentFiles.documents(DIR.resolve(file)));
        }
        return out;
    }

    private static List<String> kustomized() throws IOException {
        List<String> files = new ArrayList<>();
        DeploymentFiles.documents(DIR.resolve("kustomization.yaml"))
                .get(0)
                .path("resources")
                .forEach(r -> files.add(r.asText()));
        return files;
    }

    private static JsonNode resource(String kind, String name) throws IOException {
        return all().stream()
                .filter(
                        r ->
                                r.path("kind").asText().equals(kind)
                                        && r.path("metadata").path("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static JsonNode crdSchema() throws IOException {
        try (InputStream in = KubernetesFilesTest.class.getResourceAsStream(CRD)) {
            JsonNode crd = new ObjectMapper().readTree(in);
            JsonNode version = crd.path("spec").path("versions").get(0);
            assertThat(version.path("name").asText()).isEqualTo("v1beta1");
            ObjectNode schema =
                    (ObjectNode) strict(version.path("schema").path("openAPIV3Schema").deepCopy());
            // What every resource has, which the API server checks itself and a CRD leaves out.
            ObjectNode root = (ObjectNode) schema.path("properties");
            root.putObject("apiVersion").putArray("enum").add("flink.apache.org/v1beta1");
            root.putObject("kind").putArray("enum").add("FlinkDeployment");
            root.putObject("metadata").put("type", "object");
            return schema;
        }
    }

    /**
     * The API server's view of a structural schema as a JSON Schema: an object with listed
     * properties takes no others unless it says {@code x-kubernetes-preserve-unknown-fields}
     * (kubectl's strict field validation); the {@code x-kubernetes-*} and {@code format} keywords,
     * which the validator does not know, go.
     */
    private static JsonNode strict(JsonNode schema) {
        if (schema instanceof ObjectNode o) {
            boolean open = o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            if (o.has("properties") && !o.has("additionalProperties") && !open) {
                o.put("additionalProperties", false);
            }
            List<String> drop = new ArrayList<>();
            o.fieldNames()
                    .forEachRemaining(
                            f -> {
                                if (f.startsWith("x-kubernetes-") || f.equals("format")) {
                                    drop.add(f);
                                }
                            });
            o.remove(drop);
            o.properties()
                    .forEach(
                            f -> {
                                if (f.getKey().equals("properties")) {
                                    // Its names are fields, not keywords: only the values recurse.
                                    f.getValue()
                                            .elements()
                                            .forEachRemaining(KubernetesFilesTest::strict);
                                } else {
                                    strict(f.getValue());
                                }
                            });
        } else if (schema.isArray()) {
            schema.elements().forEachRemaining(KubernetesFilesTest::strict);
        }
        return schema;
    }

    private static Set<String> errors(JsonNode schema, JsonNode document) {
        JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
        Set<String> out = new TreeSet<>();
        for (ValidationMessage m : s.validate(document)) {
            out.add(m.getMessage());
        }
        return out;
    }

    private static JsonNode podTemplateSchema() throws IOException {
        return crdSchema().path("properties").path("spec").path("properties").path("podTemplate");
    }

    @Test
    void kustomizeNamesEveryFileOfTheFolder() throws IOException {
        List<String> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files =
                    s.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                            .toList();
        }
        assertThat(kustomized()).containsExactlyInAnyOrderElementsOf(files);
        assertThat(all())
                .extracting(r -> r.path("kind").asText() + " " + r.path("metadata").path("name"))
                .containsExactlyInAnyOrder(
                        "Job \"causality-setup\"",
                        "ConfigMap \"causality-ingest\"",
                        "Deployment \"causality-ingest\"",
                        "Service \"causality-ingest\"",
                        "FlinkDeployment \"causality-warehouse\"",
                        "FlinkDeployment \"causality-reaction\"",
                        "FlinkDeployment \"causality-anomaly\"",
                        "FlinkDeployment \"causality-delivery\"");
    }

    @Test
    void everyFlinkDeploymentIsValidForTheOperatorsCrd() throws IOException {
        JsonNode schema = crdSchema();
        for (String job : JOBS) {
            JsonNode d = resource("FlinkDeployment", "causality-" + job);
            assertThat(d.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
            assertThat(errors(schema, d)).as(job).isEmpty();
        }
    }

    /** The check above means something: it refuses a misspelt field and a value not allowed. */
    @Test
    void theCrdCheckRefusesMistakes() throws IOException {
        JsonNode schema = crdSchema();
        ObjectNode typo = resource("FlinkDeployment", "causality-anomaly").deepCopy();
        ObjectNode job = (ObjectNode) typo.path("spec").path("job");
        job.set("paralelism", job.remove("parallelism"));
        assertThat(errors(schema, typo)).anyMatch(m -> m.contains("paralelism"));

        ObjectNode mode = resource("FlinkDeployment", "causality-anomaly").deepCopy();
        ((ObjectNode) mode.path("spec").path("job")).put("upgradeMode", "savepont");
        assertThat(errors(schema, mode)).anyMatch(m -> m.contains("upgradeMode"));

        ObjectNode pod = resource("FlinkDeployment", "causality-anomaly").deepCopy();
        ((ObjectNode) pod.path("spec").path("podTemplate").path("spec").path("containers").get(0))
                .put("imagePullPolicy", 3);
        assertThat(errors(schema, pod)).anyMatch(m -> m.contains("imagePullPolicy"));
    }

    @Test
    void thePodsOfTheIngestAndTheSetupAreValidPodTemplates() throws IOException {
        JsonNode schema = podTemplateSchema();
        JsonNode ingest = resource("Deployment", "causality-ingest").path("spec").path("template");
        JsonNode setup = resource("Job", "causality-setup").path("spec").path("template");
        assertThat(errors(schema, ingest)).isEmpty();
        assertThat(errors(schema, setup)).isEmpty();
        ObjectNode broken = ingest.deepCopy();
        ((ObjectNode) broken.path("spec").path("containers").get(0)).put("imagee", "causality:dev");
        assertThat(errors(schema, broken)).anyMatch(m -> m.contains("imagee"));
    }

    @Test
    void theJobsRunAsTheLocalStacksWithTheContainersFlinkSettings() throws Exception {
        Map<String, String> container =
                DeploymentFiles.flinkConfig("flink-conf/src/main/container/config.yaml");
        Map<String, String> v = DeploymentFiles.pomProperties();
        String[] flink = v.get("flink.version").split("\\.");
        List<StackJob> specs = JobSpecs.of(setupWhere());
        for (int i = 0; i < JOBS.size(); i++) {
            JsonNode spec = resource("FlinkDeployment", "causality-" + JOBS.get(i)).path("spec");
            assertThat(spec.path("image").asText()).isEqualTo("causality-flink:dev");
            assertThat(spec.path("flinkVersion").asText())
                    .isEqualTo("v" + flink[0] + "_" + flink[1]);
            Map<String, String> conf = DeploymentFiles.flatten(spec.path("flinkConfiguration"));
            for (String key : DeploymentFiles.SHARED_FLINK_KEYS) {
                assertThat(conf.get(key)).as(key).isEqualTo(container.get(key));
            }
            for (String key :
                    List.of(
                            "execution.checkpointing.dir",
                            "execution.checkpointing.savepoint-dir",
                            "s3.endpoint",
                            "metrics.reporter.prom.port")) {
                assertThat(conf.get(key)).as(key).isEqualTo(container.get(key));
            }
            assertThat(conf).doesNotContainKeys("s3.access-key", "s3.secret-key");
            assertThat(conf.get("kubernetes.operator.savepoint.history.max.count"))
                    .isEqualTo(Integer.toString(SavepointPolicy.DEFAULT.keep()));
            assertThat(conf.get("kubernetes.operator.savepoint.history.max.age"))
                    .isEqualTo(SavepointPolicy.DEFAULT.maxAge().toHours() + "h");
            assertThat(conf.get("kubernetes.operator.deployment.rollback.enabled"))
                    .isEqualTo("true");
            assertThat(conf.get("high-availability.type")).isEqualTo("kubernetes");
            assertThat(conf.get("high-availability.storageDir")).startsWith("s3://");

            JsonNode job = spec.path("job");
            StackJob expected = specs.get(i);
            assertThat(job.path("entryClass").asText()).isEqualTo(expected.entryClass());
            List<String> args = new ArrayList<>();
            job.path("args").forEach(a -> args.add(a.asText()));
            assertThat(args).as(JOBS.get(i)).isEqualTo(expected.args());
            assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
            assertThat(job.path("state").asText()).isEqualTo("running");
            assertThat(job.path("jarURI").asText())
                    .isEqualTo("local:///opt/flink/usrlib/causality-jobs.jar");
        }
        // The image the FlinkDeployments name is the Dockerfile's flink target, with that jar.
        String dockerfile = Files.readString(DeploymentFiles.ROOT.resolve("Dockerfile"));
        assertThat(dockerfile)
                .contains("FROM flink:" + v.get("flink.version") + "-java17 AS flink")
                .contains("flink-s3-fs-hadoop-" + v.get("flink.version") + ".jar")
                .contains("/opt/flink/usrlib/causality-jobs.jar");
    }

    private static JsonNode setupContainer() throws IOException {
        return resource("Job", "causality-setup")
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0);
    }

    /** The options the setup Job gives ClusterSetup, read by ClusterSetup itself. */
    private static JobSpecs.Where setupWhere() throws IOException {
        JsonNode container = setupContainer();
        List<String> args = new ArrayList<>();
        Map<String, String> options =
                Map.of(
                        "CAUSALITY_KAFKA", "--kafka",
                        "CAUSALITY_DB_URL", "--db-url",
                        "CAUSALITY_DB_USER", "--db-user",
                        "CAUSALITY_DB_PASSWORD_FILE", "--db-password-file",
                        "CAUSALITY_DELIVERY_KEY_FILE", "--delivery-key-file",
                        "CAUSALITY_LAKE", "--lake");
        for (JsonNode e : container.path("env")) {
            String option = options.get(e.path("name").asText());
            if (option != null) {
                args.add(option);
                args.add(e.path("value").asText());
            }
        }
        assertThat(args).hasSize(2 * options.size());
        container.path("args").forEach(a -> args.add(a.asText()));
        args.remove("setup");
        ClusterSetup setup = new ClusterSetup();
        new CommandLine(setup).parseArgs(args.toArray(String[]::new));
        return setup.where();
    }

    @Test
    void theSetupLeavesTheJobsToTheOperator() throws IOException {
        JsonNode container = setupContainer();
        assertThat(container.path("args").toString()).contains("--no-submit-jobs");
        ClusterSetup setup = new ClusterSetup();
        new CommandLine(setup).parseArgs("--no-submit-jobs");
        assertThat(setup.where().kafka()).isNotBlank();
    }

    /** Every secret named is one deploy/compose/secrets.sh makes, mounted where it is read. */
    @Test
    void theSecretsAreTheOnesTheScriptMakes() throws IOException {
        String script = Files.readString(DeploymentFiles.ROOT.resolve("deploy/compose/secrets.sh"));
        Set<String> keys = new TreeSet<>();
        for (JsonNode r : all()) {
            collectSecretKeys(r, keys);
        }
        assertThat(keys)
                .containsExactlyInAnyOrder(
                        "db-password", "signing-secret", "delivery-secret-key", "s3-secret-key");
        keys.forEach(k -> assertThat(script).as(k).contains(k));
        // The files the delivery job's arguments name are where the pods mount them.
        JsonNode pod = resource("FlinkDeployment", "causality-delivery").path("spec");
        JsonNode mount =
                pod.path("podTemplate").path("spec").path("containers").get(0).path("volumeMounts");
        assertThat(mount.get(0).path("mountPath").asText()).isEqualTo("/run/secrets");
        List<String> files = new ArrayList<>();
        pod.path("podTemplate")
                .path("spec")
                .path("volumes")
                .get(0)
                .path("secret")
                .path("items")
                .forEach(i -> files.add("/run/secrets/" + i.path("path").asText()));
        List<String> args = new ArrayList<>();
        pod.path("job").path("args").forEach(a -> args.add(a.asText()));
        assertThat(files)
                .containsExactlyInAnyOrder(
                        "/run/secrets/db-password", "/run/secrets/delivery-secret-key");
        assertThat(args).containsAll(files);
    }

    private static void collectSecretKeys(JsonNode node, Set<String> keys) {
        if (node.has("secretKeyRef")) {
            keys.add(node.path("secretKeyRef").path("key").asText());
        }
        if (node.has("secret") && node.path("secret").has("items")) {
            node.path("secret").path("items").forEach(i -> keys.add(i.path("key").asText()));
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            collectSecretKeys(it.next(), keys);
        }
    }

    /** The ingest of the cluster reads the same configuration as the containers' ingest. */
    @Test
    void theIngestConfigurationIsTheContainersOne() throws Exception {
        String text =
                resource("ConfigMap", "causality-ingest")
                        .path("data")
                        .path("ingest.properties")
                        .asText();
        Properties k8s = new Properties();
        k8s.load(new StringReader(text));
        Properties compose = new Properties();
        try (InputStream in =
                Files.newInputStream(
                        DeploymentFiles.ROOT.resolve("deploy/compose/ingest.properties"))) {
            compose.load(in);
        }
        assertThat(k8s).isEqualTo(compose);
        Path file = Files.createTempFile("ingest", ".properties");
        try {
            Files.writeString(file, text);
            IngestConfig config =
                    IngestConfig.from(
                            Settings.load(
                                    file,
                                    Map.of(
                                            "CAUSALITY_DB_PASSWORD", "a-password",
                                            "CAUSALITY_AUTH_SIGNING_SECRET",
                                                    "a-signing-secret-of-at-least-32-characters")));
            assertThat(config.dbPassword()).isEqualTo("a-password");
        } finally {
            Files.delete(file);
        }
        JsonNode service = resource("Service", "causality-ingest").path("spec");
        assertThat(service.path("type").asText()).isEqualTo("ClusterIP");
        JsonNode container =
                resource("Deployment", "causality-ingest")
                        .path("spec")
                        .path("template")
                        .path("spec")
                        .path("containers")
                        .get(0);
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
                .isEqualTo("/ready");
        List<String> env = container.path("env").findValuesAsText("name");
        assertThat(env).contains("CAUSALITY_DB_PASSWORD", "CAUSALITY_AUTH_SIGNING_SECRET");
    }
}
