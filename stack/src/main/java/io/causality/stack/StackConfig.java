package io.causality.stack;

import io.causality.contracts.Durations;
import java.time.Duration;
import java.util.Map;

/**
 * Ports of the local stack, and the reaction job's checkpoint interval; each can be changed with an
 * environment variable.
 */
public record StackConfig(
        int kafkaPort,
        int kafkaControllerPort,
        int postgresPort,
        int ingestPort,
        int flinkRestPort,
        int flinkRpcPort,
        boolean flinkEnabled,
        int s3Port,
        int trinoPort,
        int receiverPort,
        Duration reactionCheckpoint) {

    /**
     * How often the reaction job checkpoints by default: its matches and actions are readable once
     * a checkpoint commits them, so this bounds how soon a webhook can go (docs/delivery.md, the
     * latency measurements).
     */
    public static final Duration REACTION_CHECKPOINT = Duration.ofSeconds(1);

    /** With the default reaction checkpoint interval. */
    public StackConfig(
            int kafkaPort,
            int kafkaControllerPort,
            int postgresPort,
            int ingestPort,
            int flinkRestPort,
            int flinkRpcPort,
            boolean flinkEnabled,
            int s3Port,
            int trinoPort,
            int receiverPort) {
        this(
                kafkaPort,
                kafkaControllerPort,
                postgresPort,
                ingestPort,
                flinkRestPort,
                flinkRpcPort,
                flinkEnabled,
                s3Port,
                trinoPort,
                receiverPort,
                REACTION_CHECKPOINT);
    }

    public static StackConfig fromEnvironment(Map<String, String> env) {
        return new StackConfig(
                port(env, "CAUSALITY_KAFKA_PORT", 9092),
                port(env, "CAUSALITY_KAFKA_CONTROLLER_PORT", 9093),
                port(env, "CAUSALITY_POSTGRES_PORT", 5433),
                port(env, "CAUSALITY_INGEST_PORT", 8080),
                port(env, "CAUSALITY_FLINK_PORT", 8081),
                port(env, "CAUSALITY_FLINK_RPC_PORT", 6123),
                // CAUSALITY_FLINK=off starts the stack without Flink (the ingest benchmark does).
                !"off".equalsIgnoreCase(env.getOrDefault("CAUSALITY_FLINK", "on").trim()),
                port(env, "CAUSALITY_S3_PORT", 9000),
                port(env, "CAUSALITY_TRINO_PORT", 8090),
                // The demo's webhook receiver, which lives while `causality demo` runs.
                port(env, "CAUSALITY_RECEIVER_PORT", 8095),
                duration(env, "CAUSALITY_REACTION_CHECKPOINT", REACTION_CHECKPOINT));
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Durations.parse(v.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int p = Integer.parseInt(v.trim());
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be a port number (1-65535), got '" + v + "'");
        }
    }

    public String ingestUrl() {
        return "http://127.0.0.1:" + ingestPort;
    }
}
