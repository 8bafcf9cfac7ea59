package io.causality.stack.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.contracts.Topics;
import io.causality.stack.TopicEnds;
import io.causality.webhooks.Endpoint;
import io.causality.webhooks.EndpointStore;
import java.io.PrintStream;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The demo's webhooks, end to end: registers the demo's receiver as the endpoints the example rules
 * call, and after the traffic waits until every webhook action since the demo began has a final row
 * in the delivery log, then prints what the delivery job did and what the receiver verified.
 */
public final class DeliveryReport {
    /** The endpoints the example rules name, per demo app. */
    static final List<String[]> ENDPOINTS =
            List.of(
                    new String[] {"demo-shop", "sales-alerts"},
                    new String[] {"demo-shop", "crm"},
                    new String[] {"demo-shop", "oncall"},
                    new String[] {"demo-news", "oncall"},
                    new String[] {"demo-game", "oncall"});

    private final Admin admin;
    private final String bootstrapServers;
    private final DataSource db;
    private final PrintStream out;

    public DeliveryReport(Admin admin, String bootstrapServers, DataSource db, PrintStream out) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
        this.db = db;
        this.out = out;
    }

    /**
     * Points the example rules' endpoints at the receiver: an endpoint registered before keeps its
     * secret (the receiver reads it from the store, as its owner would have stored it); one with
     * another URL is registered again.
     */
    public void register(EndpointStore endpoints, DemoReceiver receiver) throws Exception {
        for (String[] e : ENDPOINTS) {
            String url = receiver.url(e[0], e[1]);
            Endpoint known = endpoints.find(e[0], e[1]).orElse(null);
            if (known != null && (!known.url().toString().equals(url))) {
                endpoints.delete(e[0], e[1]);
                known = null;
            }
            if (known == null) {
                known = endpoints.add(e[0], e[1], url, null, false).endpoint();
            } else if (!known.enabled()) {
                endpoints.setEnabled(e[0], e[1], true, null);
            }
            receiver.expect(e[0], e[1], known.secret());
        }
        out.println(
                "webhook endpoints of the example rules point at the demo's receiver "
                        + receiver.url("<app>", "<endpoint>"));
    }

    /** Where the actions topic ends now: the report counts the webhooks after it. */
    public Map<TopicPartition, Long> mark() throws Exception {
        return TopicEnds.of(admin, Topics.ACTIONS, IsolationLevel.READ_UNCOMMITTED);
    }

    /**
     * Waits until every webhook action since {@code mark} is delivered or given up, and prints the
     * outcome. True when every one was delivered and verified by the receiver.
     */
    public boolean print(Map<TopicPartition, Long> mark, DemoReceiver receiver, Duration timeout)
            throws Exception {
        Map<String, String> endpointOf = new HashMap<>();
        for (JsonNode a : TopicEnds.readCommitted(bootstrapServers, mark)) {
            if ("webhook".equals(a.path("kind").asText())) {
                endpointOf.put(
                        a.path("action_id").asText(),
                        a.path("app_id").asText() + "/" + a.path("target").asText());
            }
        }
        out.print("waiting for the delivery job to deliver " + endpointOf.size() + " webhooks ...");
        out.flush();
        Instant deadline = Instant.now().plus(timeout);
        Map<String, String> status = statuses(endpointOf.keySet());
        while (status.size() < endpointOf.size()
                || status.values().stream()
                        .anyMatch(s -> s.equals("retrying") || s.equals("pending"))) {
            if (Instant.now().isAfter(deadline)) {
                out.println(" not within " + timeout + " (is the delivery job running?)");
                break;
            }
            Thread.sleep(1000); // the job writes the log as it goes; the deadline bounds this
            status = statuses(endpointOf.keySet());
        }
        if (!Instant.now().isAfter(deadline)) {
            out.println(" done");
        }
        Map<String, String> finalStatus = status;
        Map<String, Map<String, Integer>> byEndpoint = new TreeMap<>();
        endpointOf.forEach(
                (id, endpoint) ->
                        byEndpoint
                                .computeIfAbsent(endpoint, k -> new TreeMap<>())
                                .merge(
                                        finalStatus.getOrDefault(id, "not logged"),
                                        1,
                                        Integer::sum));
        out.println("webhooks since the demo began (delivery log webhook_deliveries):");
        if (byEndpoint.isEmpty()) {
            out.println("  none");
        }
        int verified = 0;
        for (var e : byEndpoint.entrySet()) {
            String[] parts = e.getKey().split("/", 2);
            Set<String> got =
                    receiver.verified()
                            .getOrDefault(DemoReceiver.path(parts[0], parts[1]), Set.of());
            verified += got.size();
            out.printf("  %-24s %s, receiver verified %d%n", e.getKey(), e.getValue(), got.size());
        }
        out.println(
                "the demo's receiver checked every signature: "
                        + verified
                        + " distinct webhook-ids verified, "
                        + receiver.refused()
                        + " requests refused");
        // One example of each kind the receiver verified: a rule's match, an anomaly firing, ...
        receiver.lastByType()
                .forEach((type, example) -> out.println("  e.g. " + type + ": " + example));
        long delivered = finalStatus.values().stream().filter("delivered"::equals).count();
        return delivered == endpointOf.size() && verified >= delivered && receiver.refused() == 0;
    }

    private Map<String, String> statuses(Set<String> ids) throws Exception {
        Map<String, String> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT delivery_id, status FROM webhook_deliveries WHERE delivery_id = ANY(?)")) {
            Array array = c.createArrayOf("text", ids.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }
}
