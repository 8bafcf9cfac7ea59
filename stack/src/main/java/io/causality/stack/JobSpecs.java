package io.causality.stack;

import io.causality.contracts.JobNames;
import io.causality.contracts.OptionKeys;
import io.causality.stack.StackJobs.StackJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The four Flink jobs with their arguments, wherever they run: the local stack ({@link LocalStack})
 * and a cluster of containers ({@code ClusterSetup}) differ only in where Kafka, the lake,
 * PostgreSQL and the delivery key are.
 */
public final class JobSpecs {
    private JobSpecs() {}

    /**
     * Where the jobs find what they use.
     *
     * @param dbPasswordFile a file with the database password, read by the delivery job; null for
     *     none
     * @param allowedNetworks private networks webhooks may go to (CIDRs, comma-separated); null for
     *     none
     */
    public record Where(
            String kafka,
            String lakeUri,
            Duration checkpoint,
            Duration reactionCheckpoint,
            int compactionCheckpoints,
            String dbUrl,
            String dbUser,
            String dbPasswordFile,
            String deliveryKeyFile,
            String allowedNetworks,
            boolean allowHttp) {}

    /** The jobs in the order they are submitted; they are stopped in reverse. */
    public static List<StackJob> of(Where w) {
        List<String> delivery =
                new ArrayList<>(
                        List.of(
                                "--" + OptionKeys.KAFKA_BOOTSTRAP_SERVERS,
                                w.kafka(),
                                "--" + OptionKeys.CHECKPOINT_INTERVAL,
                                w.checkpoint().toMillis() + "ms",
                                "--" + OptionKeys.DB_URL,
                                w.dbUrl(),
                                "--" + OptionKeys.DB_USER,
                                w.dbUser(),
                                "--" + OptionKeys.DELIVERY_SECRET_KEY_FILE,
                                w.deliveryKeyFile()));
        if (w.dbPasswordFile() != null) {
            delivery.addAll(List.of("--" + OptionKeys.DB_PASSWORD_FILE, w.dbPasswordFile()));
        }
        if (w.allowedNetworks() != null) {
            delivery.addAll(
                    List.of("--" + OptionKeys.DELIVERY_ALLOWED_NETWORKS, w.allowedNetworks()));
        }
        if (w.allowHttp()) {
            delivery.addAll(List.of("--" + OptionKeys.DELIVERY_ALLOW_HTTP, "true"));
        }
        return List.of(
                new StackJob(
                        JobNames.WAREHOUSE,
                        "warehouse",
                        "io.causality.jobs.warehouse.WarehouseJob",
                        List.of(
                                "--" + OptionKeys.LAKE_PATH,
                                w.lakeUri(),
                                "--" + OptionKeys.KAFKA_BOOTSTRAP_SERVERS,
                                w.kafka(),
                                "--" + OptionKeys.CHECKPOINT_INTERVAL,
                                w.checkpoint().toMillis() + "ms",
                                "--" + OptionKeys.LAKE_COMPACTION_CHECKPOINTS,
                                Integer.toString(w.compactionCheckpoints()))),
                new StackJob(
                        JobNames.REACTION,
                        "reaction",
                        "io.causality.jobs.reaction.ReactionJob",
                        List.of(
                                "--" + OptionKeys.KAFKA_BOOTSTRAP_SERVERS,
                                w.kafka(),
                                "--" + OptionKeys.CHECKPOINT_INTERVAL,
                                w.reactionCheckpoint().toMillis() + "ms")),
                new StackJob(
                        JobNames.ANOMALY,
                        "anomaly",
                        "io.causality.jobs.anomaly.AnomalyJob",
                        List.of(
                                "--" + OptionKeys.KAFKA_BOOTSTRAP_SERVERS,
                                w.kafka(),
                                "--" + OptionKeys.CHECKPOINT_INTERVAL,
                                w.checkpoint().toMillis() + "ms")),
                new StackJob(
                        JobNames.DELIVERY,
                        "delivery",
                        "io.causality.jobs.delivery.DeliveryJob",
                        List.copyOf(delivery)));
    }
}
