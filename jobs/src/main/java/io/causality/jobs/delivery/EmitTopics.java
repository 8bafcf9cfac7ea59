package io.causality.jobs.delivery;

import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Which topics exist, for {@code emit} actions: a record for a topic that does not exist would fail
 * the transactional sink, and with it every delivery of the job, so such an action becomes a dead
 * letter instead. Known topics are cached; an unknown name is looked up again at most every few
 * seconds (a topic created meanwhile is found).
 */
final class EmitTopics implements AutoCloseable {
    private static final long RELOAD_MILLIS = 5_000;

    private final Admin admin;
    private Set<String> known = Set.of();
    private long loadedAt = -1;

    EmitTopics(String bootstrapServers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        this.admin = Admin.create(p);
    }

    /**
     * Whether the topic exists.
     *
     * @throws IllegalStateException when Kafka does not answer (the job fails over and tries again)
     */
    boolean exists(String topic) {
        if (known.contains(topic)) {
            return true;
        }
        long now = System.currentTimeMillis();
        if (loadedAt < 0 || now - loadedAt >= RELOAD_MILLIS) {
            try {
                known = admin.listTopics().names().get(10, TimeUnit.SECONDS);
                loadedAt = now;
            } catch (Exception e) {
                throw new IllegalStateException("Kafka did not list its topics", e);
            }
        }
        return known.contains(topic);
    }

    @Override
    public void close() {
        admin.close();
    }
}
