package io.causality.stack.rules;

import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The topics deployed rules emit to: the delivery job sends an emit to a topic that does not exist
 * to the dead-letter topic, so a deploy says which are missing, and creates them when asked.
 */
public final class EmitTopics {
    private final String bootstrapServers;

    public EmitTopics(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return Admin.create(p);
    }

    /** Which of the topics do not exist. */
    Set<String> missing(Set<String> topics) throws Exception {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            Set<String> out = new TreeSet<>(topics);
            out.removeAll(existing);
            return out;
        }
    }

    /** Creates them: 3 partitions (records are keyed by app), one replica on the local broker. */
    void create(Set<String> topics) throws Exception {
        try (Admin admin = admin()) {
            List<NewTopic> specs = topics.stream().map(t -> new NewTopic(t, 3, (short) 1)).toList();
            admin.createTopics(specs).all().get(30, TimeUnit.SECONDS);
        }
    }
}
