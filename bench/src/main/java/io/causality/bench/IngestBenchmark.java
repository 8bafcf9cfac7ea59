package io.causality.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.schemas.EventJson;
import io.causality.stack.ManagedProcess;
import io.causality.stack.demo.DemoTraffic;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ingest throughput and latency against the local broker, beside Kafka's own producer tool with the
 * same record size and producer settings, in one run.
 *
 * <p>The HTTP load comes from wrk (C, a few MB of memory) so that the load generator takes as
 * little of the machine as possible from the ingest; it cycles through distinct batches of 100
 * realistic events. Accepted events are counted by the ingest's own Prometheus counter.
 *
 * <p>{@code IngestBenchmark <ingest url> <bootstrap servers> <demo-keys.properties> <seconds>
 * <connections>}
 */
public final class IngestBenchmark {
    static final int BATCH = 100;
    static final int DISTINCT_BATCHES = 50;
    private static final Pattern ACCEPTED =
            Pattern.compile(
                    "^causality_ingest_events_accepted_total\\{api=\"native\"\\} ([0-9.E]+)$",
                    Pattern.MULTILINE);

    public static void main(String[] args) throws Exception {
        String ingestUrl = args[0];
        String bootstrap = args[1];
        Path keysFile = Path.of(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int connections = Integer.parseInt(args[4]);
        Path work = Path.of("target", "bench").toAbsolutePath();
        Files.createDirectories(work);

        Properties keys = new Properties();
        try (InputStream in = Files.newInputStream(keysFile)) {
            keys.load(in);
        }
        List<byte[]> bodies = batches(DISTINCT_BATCHES);
        double eventBytes = bodies.stream().mapToInt(b -> b.length).average().orElse(0) / BATCH;
        Path script = writeWrkScript(work, bodies, keys.getProperty("demo-shop"));

        System.out.printf(
                "machine: %d cores, %s %s, Java %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                System.getProperty("java.version"));
        System.out.printf(
                "payload: batches of %d events, %.0f bytes per event as sent%n%n",
                BATCH, eventBytes);

        // The yardstick: as many records as the ingest could take in the same time, same size.
        int records = 40_000 * seconds;
        System.out.println(
                "== Kafka ProducerPerformance: "
                        + records
                        + " records of "
                        + Math.round(eventBytes)
                        + " bytes, acks=all, idempotent, lz4, linger 5 ms, batch 256 KiB");
        Path ppLog = work.resolve("producer-perf.log");
        Files.deleteIfExists(ppLog);
        ManagedProcess.runJava(
                List.of("-Xmx512m"),
                "org.apache.kafka.tools.ProducerPerformance",
                List.of(
                        "--topic",
                        "causality.events",
                        "--num-records",
                        Integer.toString(records),
                        "--record-size",
                        Long.toString(Math.round(eventBytes)),
                        "--throughput",
                        "-1",
                        "--producer-props",
                        "bootstrap.servers=" + bootstrap,
                        "acks=all",
                        "enable.idempotence=true",
                        "compression.type=lz4",
                        "linger.ms=5",
                        "batch.size=262144"),
                ppLog);
        List<String> ppLines = Files.readAllLines(ppLog, StandardCharsets.UTF_8);
        String ppSummary = ppLines.isEmpty() ? "" : ppLines.get(ppLines.size() - 1);
        System.out.println(ppSummary);
        double ppRate = number(ppSummary, "([0-9.]+) records/sec");

        System.out.printf(
                "%n== Causality ingest: wrk, %d connections, %d s, POST /v1/events/batch%n",
                connections, seconds);
        double before = accepted(ingestUrl);
        // A short warm-up so the JIT has compiled the hot path before the measured run.
        run(
                List.of(
                        "wrk",
                        "-t2",
                        "-c" + connections,
                        "-d3s",
                        "-s",
                        script.toString(),
                        ingestUrl + "/v1/events/batch"));
        double warm = accepted(ingestUrl);
        String wrkOut =
                run(
                        List.of(
                                "wrk",
                                "-t2",
                                "-c" + connections,
                                "-d" + seconds + "s",
                                "--latency",
                                "-s",
                                script.toString(),
                                ingestUrl + "/v1/events/batch"));
        double after = accepted(ingestUrl);
        System.out.println(wrkOut.strip());
        double events = after - warm;
        double rate = events / seconds;
        System.out.printf(
                "%n== Result%n  Kafka producer (raw)   %,10.0f records/s%n  Causality ingest       %,10.0f events/s (%.0f events accepted; %.0f in warm-up)%n  ratio                  %10.0f %%%n",
                ppRate, rate, events, warm - before, 100 * rate / ppRate);
    }

    static List<byte[]> batches(int count) throws IOException {
        List<DemoTraffic.DemoEvent> traffic =
                new DemoTraffic(7, List.of("demo-shop"), 0.0, Instant.now())
                        .generate(count * BATCH * 2);
        List<byte[]> bodies = new ArrayList<>();
        ObjectNode body = null;
        for (DemoTraffic.DemoEvent e : traffic) {
            if (e.segment()) {
                continue;
            }
            if (body == null) {
                body = EventJson.mapper().createObjectNode();
                body.putArray("events");
            }
            ArrayNode events = (ArrayNode) body.get("events");
            events.add(e.body());
            if (events.size() == BATCH) {
                bodies.add(EventJson.mapper().writeValueAsBytes(body));
                body = null;
                if (bodies.size() == count) {
                    break;
                }
            }
        }
        return bodies;
    }

    /** A wrk script that posts the batches in turn, each connection starting elsewhere. */
    static Path writeWrkScript(Path dir, List<byte[]> bodies, String key) throws IOException {
        StringBuilder lua = new StringBuilder();
        lua.append("wrk.method = \"POST\"\n");
        lua.append("wrk.headers[\"Content-Type\"] = \"application/json\"\n");
        lua.append("wrk.headers[\"Authorization\"] = \"Bearer ").append(key).append("\"\n");
        lua.append("local bodies = {}\n");
        for (int i = 0; i < bodies.size(); i++) {
            Path f = dir.resolve("batch-" + i + ".json");
            Files.write(f, bodies.get(i));
            lua.append("do local f = io.open(\"")
                    .append(f)
                    .append("\", \"rb\"); bodies[#bodies + 1] = f:read(\"*all\"); f:close() end\n");
        }
        lua.append("local i = math.random(#bodies)\n");
        lua.append(
                "request = function() i = i % #bodies + 1; return wrk.format(nil, nil, nil, bodies[i]) end\n");
        Path script = dir.resolve("post-batches.lua");
        Files.writeString(script, lua.toString(), StandardCharsets.UTF_8);
        return script;
    }

    static double accepted(String ingestUrl) throws IOException, InterruptedException {
        String metrics =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(ingestUrl + "/metrics")).build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
        Matcher m = ACCEPTED.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }

    static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
