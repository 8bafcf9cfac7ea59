package io.causality.stack;

import io.causality.processes.ManagedProcess;
import io.causality.processes.Poll;
import io.causality.processes.StackLayout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real S3 API server (s3proxy, filesystem backend) on 127.0.0.1, standing in for S3 locally:
 * buckets are folders under {@code $CAUSALITY_HOME/s3}, objects files within them.
 */
public final class S3Server {
    public static final String LAKE_BUCKET = "causality-lake";

    private final Path home;
    private final Path jar;
    private final int port;
    private final LocalSecrets secrets;
    private final ManagedProcess process;

    public S3Server(StackLayout layout, Path jar, int port, LocalSecrets secrets) {
        this.home = layout.home();
        this.jar = jar;
        this.port = port;
        this.secrets = secrets;
        this.process = new ManagedProcess("s3", layout);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String accessKey() {
        return "causality-local";
    }

    public String secretKey() {
        return secrets.get(LocalSecrets.S3_SECRET_KEY);
    }

    public ManagedProcess process() {
        return process;
    }

    /** Where the objects of a bucket are on disk. */
    public Path bucketDir(String bucket) {
        return home.resolve("s3").resolve(bucket);
    }

    public void start(Duration timeout) throws IOException, InterruptedException {
        if (!Files.exists(jar)) {
            throw new IOException(
                    "no s3proxy jar at "
                            + jar
                            + "; build the flink-conf module (./causality builds it)");
        }
        // With the filesystem backend a bucket is a folder.
        Files.createDirectories(bucketDir(LAKE_BUCKET));
        if (process.running().isEmpty()) {
            Path conf = home.resolve("conf/s3proxy.properties");
            String properties =
                    String.join(
                            "\n",
                            "s3proxy.endpoint=" + endpoint(),
                            "s3proxy.authorization=aws-v2-or-v4",
                            "s3proxy.identity=" + accessKey(),
                            "s3proxy.credential=" + secretKey(),
                            // Trino's S3 client sends headers s3proxy does not know.
                            "s3proxy.ignore-unknown-headers=true",
                            "jclouds.provider=filesystem",
                            "jclouds.filesystem.basedir=" + home.resolve("s3"),
                            "");
            LocalSecrets.writePrivate(conf, properties);
            process.startJava(
                    List.of("-Xmx256m", "-Djava.io.tmpdir=" + home.resolve("tmp")),
                    jar.toString(),
                    "org.gaul.s3proxy.Main",
                    List.of("--properties", conf.toString()));
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        // Any S3 answer (403 for an anonymous request) means it is serving.
        Poll.forThe("s3proxy to answer", timeout, Duration.ofMillis(200), process)
                .until(
                        () ->
                                http.send(
                                                HttpRequest.newBuilder(URI.create(endpoint() + "/"))
                                                        .timeout(Duration.ofSeconds(2))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        != null);
    }

    public boolean stop() throws IOException {
        return process.stop(Duration.ofSeconds(20));
    }
}
