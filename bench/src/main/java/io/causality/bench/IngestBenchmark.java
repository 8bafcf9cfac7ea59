package io.causality.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.processes.ManagedProcess;
import io.causality.schemas.EventJson;
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
 * <p>The two sides run in turns, several rounds, because on a shared virtual machine either side's
 * rate drifts between runs by a fifth or more; the report gives every round and the median ratio.
 *
 * <p>{@code IngestBenchmark <ingest url> <bootstrap servers> <demo-keys.properties> <seconds>
 * <connections> <rounds>}
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
        int rounds = Integer.parseInt(args[5]);
        Path work = Path.of("target", "bench").toAbsolutePath();
        Files.createDirectories(work);

        Properties keys = new Properties();
        try (InputStream in = Files.newInputStream(keysFile)) {
            keys.load(in);
        }
        List<byte[]> bodies = batches(DISTINCT_BATCHES);
        double eventBytes = bodies.stream().mapToInt(b -> b.length).average().orElse(0) / BATCH;
        long recordSize = Math.round(eventBytes);
        Path script = writeWrkScript(work, bodies, keys.getProperty("demo-shop"));
        String target = ingestUrl + "/v1/events/batch";

        System.out.printf(
                "machine: %d cores, %s %s, Java %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                System.getProperty("java.version"));
        System.out.printf(
                "payload: batches of %d events, %d bytes per event as sent; Kafka producer records of %d bytes%n",
                BATCH, recordSize, recordSize);
        System.out.println(
                "producer settings on both sides: acks=all, idempotent, lz4, linger 5 ms, batch 256 KiB");
        System.out.printf(
                "%d rounds, each: Kafka ProducerPerformance, then wrk (%d connections, %d s) against the ingest%n%n",
                rounds, connections, seconds);

        // Warm-up, so the JIT has compiled the ingest's hot path before anything is measured.
        run(List.of("wrk", "-t2", "-c" + connections, "-d5s", "-s", script.toString(), target));

        List<Double> ratios = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            double producer = producerPerformance(bootstrap, recordSize, 60_000L * seconds, work);
            double before = accepted(ingestUrl);
            String wrk =
                    run(
                            List.of(
                                    "wrk",
                                    "-t2",
                                    "-c" + connections,
                                    "-d" + seconds + "s",
                                    "--latency",
                                    "-s",
                                    script.toString(),
                                    target));
            double ingest = (accepted(ingestUrl) - before) / seconds;
            ratios.add(ingest / producer);
            System.out.printf(
                    "round %d: Kafka producer %,8.0f records/s | ingest %,8.0f events/s (%.0f %%) | request latency p50 %s p90 %s p99 %s | non-2xx: %s%n",
                    round,
                    producer,
                    ingest,
                    100 * ingest / producer,
                    latency(wrk, "50%"),
                    latency(wrk, "90%"),
                    latency(wrk, "99%"),
                    nonSuccess(wrk));
        }
        ratios.sort(null);
        System.out.printf(
                "%nmedian ratio ingest / raw producer: %.0f %%%n",
                100 * ratios.get(ratios.size() / 2));
    }

    /** Runs Kafka's own tool and returns its records/s. */
    static double producerPerformance(String bootstrap, long recordSize, long records, Path work)
            throws IOException, InterruptedException {
        Path log = work.resolve("producer-perf.log");
        Files.deleteIfExists(log);
        ManagedProcess.runJava(
                List.of("-Xmx512m"),
                "org.apache.kafka.tools.ProducerPerformance",
                List.of(
                        "--topic",
                        io.causality.contracts.Topics.EVENTS,
                        "--num-records",
                        Long.toString(records),
                        "--record-size",
                        Long.toString(recordSize),
                        "--throughput",
                        "-1",
                        "--producer-props",
                        "bootstrap.servers=" + bootstrap,
                        "acks=all",
                        "enable.idempotence=true",
                        "compression.type=lz4",
                        "linger.ms=5",
                        "batch.size=262144"),
                log);
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String summary = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        double rate = number(summary, "([0-9.]+) records/sec");
        if (Double.isNaN(rate)) {
            throw new IOException("ProducerPerformance printed no summary; see " + log);
        }
        return rate;
    }

    static String latency(String wrk, String percentile) {
        Matcher m =
                Pattern.compile(
                                "^\\s*" + Pattern.quote(percentile) + "\\s+(\\S+)$",
                                Pattern.MULTILINE)
                        .matcher(wrk);
        return m.find() ? m.group(1) : "?";
    }

    static String nonSuccess(String wrk) {
        Matcher m = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(wrk);
        return m.find() ? m.group(1) : "0";
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
