package io.causality.stack;

import io.causality.processes.ManagedProcess;
import io.causality.processes.Poll;
import io.causality.processes.StackLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A real Flink session cluster (one JobManager, one TaskManager, each its own JVM) run from the lib
 * folder that the {@code flink-conf} module assembles from Maven Central, configured from its
 * templates, and driven through the REST API as a user would.
 */
public final class FlinkCluster extends FlinkRest {
    /** What Flink's own scripts pass on Java 17 ({@code env.java.opts.all} of its config). */
    static final List<String> JAVA_17_OPTIONS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Path home;
    private final Path dist;
    private final Path templates;
    private final int restPort;
    private final int rpcPort;
    private final ManagedProcess jobManager;
    private final ManagedProcess taskManager;

    /**
     * @param dist folder with {@code lib/} (the flink-conf module's target/flink)
     * @param templates folder with {@code config.yaml} and {@code log4j2.xml} templates
     */
    private final S3Server s3;

    public FlinkCluster(
            StackLayout layout, Path dist, Path templates, int restPort, int rpcPort, S3Server s3) {
        super("http://127.0.0.1:" + restPort);
        this.s3 = s3;
        this.home = layout.home();
        this.dist = dist;
        this.templates = templates;
        this.restPort = restPort;
        this.rpcPort = rpcPort;
        this.jobManager = new ManagedProcess("flink-jobmanager", layout);
        this.taskManager = new ManagedProcess("flink-taskmanager", layout);
    }

    /** How many ports the Prometheus reporters may choose from; two of them are taken. */
    static final int METRICS_PORT_RANGE = 4;

    /**
     * The ports of the Prometheus reporter, as Flink's port range: the JobManager and the
     * TaskManager each take the first free one (9249 and 9250 with the default REST port, unless
     * something else holds them). A range of two broke when another process held one of them: the
     * second reporter then had none.
     */
    public String metricsPorts() {
        int first = restPort + 1168;
        return first + "-" + (first + METRICS_PORT_RANGE - 1);
    }

    /** Every port of {@link #metricsPorts()}: where to look for the reporters' {@code /metrics}. */
    public java.util.List<Integer> metricsPortList() {
        int first = restPort + 1168;
        return java.util.stream.IntStream.range(first, first + METRICS_PORT_RANGE).boxed().toList();
    }

    public ManagedProcess jobManager() {
        return jobManager;
    }

    public ManagedProcess taskManager() {
        return taskManager;
    }

    public Path savepoints() {
        return home.resolve("flink/savepoints");
    }

    @Override
    protected Optional<String> savepointTarget() {
        return Optional.of(savepoints().toUri().toString());
    }

    /** Retained checkpoints, one directory per job id (config.yaml's checkpointing.dir). */
    public Path checkpoints() {
        return home.resolve("flink/checkpoints");
    }

    private Path conf() {
        return home.resolve("flink/conf");
    }

    /** Starts whatever of the two processes is not running and waits for a usable cluster. */
    public void start(Duration timeout) throws IOException, InterruptedException {
        if (!Files.isDirectory(dist.resolve("lib"))) {
            throw new IOException(
                    "no Flink lib folder at "
                            + dist.resolve("lib")
                            + "; build the flink-conf module (./causality builds it)");
        }
        writeConfiguration();
        String classpath = dist.resolve("lib") + "/*";
        if (jobManager.running().isEmpty()) {
            Params p = memoryParams("GET_JM_RESOURCE_PARAMS", classpath);
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "--configDir",
                                    conf().toString(),
                                    "--executionMode",
                                    "cluster"));
            args.addAll(p.dynamic());
            jobManager.startJava(
                    jvmArgs(p),
                    classpath,
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                    args,
                    pluginEnv());
        }
        if (taskManager.running().isEmpty()) {
            Params p = memoryParams("GET_TM_RESOURCE_PARAMS", classpath);
            List<String> args = new ArrayList<>(List.of("--configDir", conf().toString()));
            args.addAll(p.dynamic());
            taskManager.startJava(
                    jvmArgs(p),
                    classpath,
                    "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                    args,
                    pluginEnv());
        }
        awaitReady(timeout);
    }

    /** S3 support is a plugin (it bundles unrelocated Hadoop), found through this variable. */
    private java.util.Map<String, String> pluginEnv() {
        return java.util.Map.of("FLINK_PLUGINS_DIR", dist.resolve("plugins").toString());
    }

    private List<String> jvmArgs(Params p) {
        List<String> out = new ArrayList<>(JAVA_17_OPTIONS);
        out.addAll(p.jvm());
        out.add("-Djava.io.tmpdir=" + home.resolve("flink/tmp"));
        out.add("-Dlog4j2.configurationFile=" + conf().resolve("log4j2.xml"));
        return out;
    }

    private void writeConfiguration() throws IOException {
        for (String dir : List.of("conf", "tmp", "uploads", "checkpoints", "savepoints")) {
            Files.createDirectories(home.resolve("flink").resolve(dir));
        }
        String yaml =
                Files.readString(templates.resolve("config.yaml"), StandardCharsets.UTF_8)
                        .replace("${home}", home.toString())
                        .replace("${restPort}", Integer.toString(restPort))
                        .replace("${rpcPort}", Integer.toString(rpcPort))
                        .replace("${metricsPorts}", metricsPorts())
                        .replace("${s3Endpoint}", s3.endpoint())
                        .replace("${s3AccessKey}", s3.accessKey())
                        .replace("${s3SecretKey}", s3.secretKey());
        Path config = conf().resolve("config.yaml");
        // It holds the S3 secret.
        LocalSecrets.writePrivate(config, yaml);
        Files.copy(
                templates.resolve("log4j2.xml"),
                conf().resolve("log4j2.xml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** JVM memory flags and dynamic properties, as Flink's scripts get them from BashJavaUtils. */
    private record Params(List<String> jvm, List<String> dynamic) {}

    private Params memoryParams(String command, String classpath)
            throws IOException, InterruptedException {
        Path log = home.resolve("flink/tmp/bash-java-utils-" + UUID.randomUUID() + ".log");
        int rc =
                ManagedProcess.runJava(
                        List.of(
                                "-Xmx128m",
                                "-Dlog4j2.configurationFile=" + conf().resolve("log4j2.xml")),
                        classpath,
                        "org.apache.flink.runtime.util.bash.BashJavaUtils",
                        List.of(command, "--configDir", conf().toString()),
                        log);
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        List<String> results = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:")) {
                results.add(line.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim());
            }
        }
        if (rc != 0 || results.size() < 2) {
            throw new IOException(
                    "BashJavaUtils "
                            + command
                            + " failed (exit "
                            + rc
                            + "):\n"
                            + String.join("\n", lines));
        }
        return new Params(split(results.get(0)), split(results.get(1)));
    }

    private static List<String> split(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(t -> !t.isEmpty()).toList();
    }

    /** Waits until the REST API answers and a TaskManager has registered. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Poll.forThe(
                        "the Flink cluster to have a TaskManager",
                        timeout,
                        Duration.ofMillis(250),
                        jobManager,
                        taskManager)
                .until(this::hasTaskManager);
    }

    public void stop() throws IOException {
        taskManager.stop(Duration.ofSeconds(30));
        jobManager.stop(Duration.ofSeconds(30));
    }
}
