package io.causality.stack;

import java.util.Map;

/** Ports of the local stack; each can be changed with an environment variable. */
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
        int receiverPort) {

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
                port(env, "CAUSALITY_RECEIVER_PORT", 8095));
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
