package io.causality.stack.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.causality.contracts.Topics;
import io.causality.ingest.auth.KeyAdmin;
import io.causality.processes.KafkaBroker;
import io.causality.processes.Poll;
import io.causality.stack.FlinkRest;
import io.causality.stack.JobSpecs;
import io.causality.stack.LakeTable;
import io.causality.stack.StackJobs.StackJob;
import io.causality.stack.TrinoClient;
import io.causality.stack.TrinoServer;
import io.causality.webhooks.SchemaMigrations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The one-shot setup of a Causality cluster whose parts run elsewhere (the containers of
 * docker-compose.yml, a Kubernetes namespace): it waits for each part, then creates the topics,
 * migrates the database, submits the four jobs that do not run yet (unless told not to: on
 * Kubernetes the operator runs them) and defines the lake table, with the same topic list,
 * migrations, job arguments and table definition as the local stack. Every option can be given as
 * an environment variable ({@code --kafka} as {@code CAUSALITY_KAFKA}). Run again, it leaves what
 * exists as it is.
 */
@Command(
        name = "causality-setup",
        mixinStandardHelpOptions = true,
        description =
                "Create topics, migrate PostgreSQL, submit the Flink jobs and define the lake table"
                        + " of a cluster whose parts run elsewhere.")
public final class ClusterSetup implements Callable<Integer> {
    @Option(names = "--kafka", defaultValue = "${env:CAUSALITY_KAFKA:-kafka:9092}")
    String kafka;

    @Option(
            names = "--db-url",
            defaultValue = "${env:CAUSALITY_DB_URL:-jdbc:postgresql://postgres:5432/causality}")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "${env:CAUSALITY_DB_USER:-causality}")
    String dbUser;

    @Option(
            names = "--db-password-file",
            defaultValue = "${env:CAUSALITY_DB_PASSWORD_FILE}",
            description = "read here, and by the delivery job at the same path")
    Path dbPasswordFile;

    @Option(names = "--flink", defaultValue = "${env:CAUSALITY_FLINK:-http://jobmanager:8081}")
    String flink;

    @Option(names = "--trino", defaultValue = "${env:CAUSALITY_TRINO:-http://trino:8080}")
    String trino;

    @Option(names = "--lake", defaultValue = "${env:CAUSALITY_LAKE:-s3://causality-lake/}")
    String lake;

    @Option(
            names = "--jobs-jar",
            defaultValue = "${env:CAUSALITY_JOBS_JAR:-/opt/causality/causality-jobs.jar}")
    Path jobsJar;

    @Option(
            names = "--delivery-key-file",
            defaultValue = "${env:CAUSALITY_DELIVERY_KEY_FILE:-/run/secrets/delivery-secret-key}",
            description = "where the TaskManager finds the key that seals endpoint secrets")
    String deliveryKeyFile;

    @Option(
            names = "--signing-secret-file",
            defaultValue = "${env:CAUSALITY_SIGNING_SECRET_FILE:-/run/secrets/signing-secret}",
            description = "the ingest's signing secret, for the write keys this creates")
    Path signingSecretFile;

    @Option(
            names = "--allowed-networks",
            defaultValue = "${env:CAUSALITY_ALLOWED_NETWORKS}",
            description = "private networks webhooks may go to (CIDRs); none by default")
    String allowedNetworks;

    @Option(
            names = "--checkpoint",
            defaultValue = "${env:CAUSALITY_CHECKPOINT:-PT10S}",
            description = "checkpoint interval of the jobs (ISO-8601)")
    Duration checkpoint;

    @Option(
            names = "--create-key",
            defaultValue = "${env:CAUSALITY_CREATE_KEY}",
            description = "an app to create a write key for, printed once")
    String createKey;

    @Option(
            names = "--submit-jobs",
            negatable = true,
            defaultValue = "${env:CAUSALITY_SUBMIT_JOBS:-true}",
            description =
                    "submit the jobs to the Flink cluster at --flink (--no-submit-jobs where the"
                            + " Flink Kubernetes Operator runs them)")
    boolean submitJobs;

    @Option(names = "--wait", defaultValue = "PT5M", description = "for each part to answer")
    Duration wait;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClusterSetup()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        step("Kafka " + kafka);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        try (Admin admin = Admin.create(p)) {
            Poll.forThe("Kafka at " + kafka, wait, Duration.ofSeconds(2))
                    .until(() -> tryTopics(admin));
        }
        done("topics " + String.join(", ", Topics.all().stream().map(Topics.Spec::name).toList()));

        step("PostgreSQL " + dbUrl);
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(dbUrl);
            ds.setUsername(dbUser);
            if (dbPasswordFile != null) {
                ds.setPassword(read(dbPasswordFile));
            }
            ds.setMaximumPoolSize(2);
            ds.setInitializationFailTimeout(wait.toMillis());
            KeyAdmin keys = new KeyAdmin(ds, () -> readUnchecked(signingSecretFile));
            keys.migrate();
            SchemaMigrations.apply(ds);
            done("migrated");
            if (createKey != null && !createKey.isBlank()) {
                var key = keys.create(createKey, "setup", false);
                done("write key of " + createKey + ": " + key.plainKey() + " (shown once)");
            }
        }

        if (submitJobs) {
            submit();
        }

        step("Trino " + trino);
        TrinoClient client =
                new TrinoClient(trino, "causality", TrinoServer.CATALOG, TrinoServer.SCHEMA);
        Poll.forThe("Trino at " + trino, wait, Duration.ofSeconds(2)).until(() -> answers(client));
        new LakeTable(client, lake).define();
        done("table " + TrinoServer.CATALOG + "." + TrinoServer.SCHEMA + "." + LakeTable.NAME);
        System.out.println("Causality is set up.");
        return 0;
    }

    private void submit() throws Exception {
        step("Flink " + flink);
        FlinkRest rest = new FlinkRest(flink);
        Poll.forThe("a Flink TaskManager at " + flink, wait, Duration.ofSeconds(2))
                .until(rest::hasTaskManager);
        List<StackJob> jobs = JobSpecs.of(where());
        for (StackJob job : jobs) {
            var running = rest.activeJob(job.name());
            if (running.isPresent()) {
                done(job.label() + " already runs (job " + running.get() + ")");
            } else {
                String id = rest.submit(jobsJar, job.entryClass(), job.args(), null);
                done(job.label() + " submitted (job " + id + ")");
            }
        }
    }

    /**
     * Where the jobs find what they use, as their arguments say: the jobs this submits, and those
     * of deploy/kubernetes, which the Flink Kubernetes Operator submits (KubernetesFilesTest).
     */
    public JobSpecs.Where where() {
        return new JobSpecs.Where(
                kafka,
                lake,
                checkpoint,
                checkpoint,
                3,
                dbUrl,
                dbUser,
                dbPasswordFile == null ? null : dbPasswordFile.toString(),
                deliveryKeyFile,
                allowedNetworks == null || allowedNetworks.isBlank() ? null : allowedNetworks,
                false);
    }

    private static boolean tryTopics(Admin admin) {
        try {
            KafkaBroker.createTopics(admin, KafkaBroker.newTopics(Topics.all()));
            return true;
        } catch (java.io.IOException e) {
            return false; // not up yet; the poll says so if it never comes
        }
    }

    private static boolean answers(TrinoClient client) throws InterruptedException {
        try {
            return client.query("SELECT 1", Duration.ofSeconds(10)) != null;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String read(Path file) throws java.io.IOException {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    private static String readUnchecked(Path file) {
        try {
            return read(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void step(String what) {
        System.out.println("== " + what);
    }

    private static void done(String what) {
        System.out.println("   " + what);
    }
}
