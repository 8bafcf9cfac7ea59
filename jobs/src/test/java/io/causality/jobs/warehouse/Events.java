package io.causality.jobs.warehouse;

import io.causality.jobs.common.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Readable fixtures: stored events as the ingest writes them. */
final class Events {
    static final Instant T0 = Instant.parse("2026-11-22T10:15:00Z");

    private Events() {}

    static String purchase(String eventId, String app, Instant at, double total) {
        return "{\"event_id\":\""
                + eventId
                + "\",\"app_id\":\""
                + app
                + "\",\"type\":\"purchase_complete\",\"user_id\":\"u-1\",\"anonymous_id\":\"d-1\","
                + "\"timestamp\":\""
                + at
                + "\",\"received_at\":\""
                + at.plusSeconds(2)
                + "\",\"context\":{\"ip\":\"203.0.113.1\",\"os\":{\"name\":\"iOS\",\"version\":\"18.1\"},"
                + "\"screen\":{\"width\":1170,\"height\":2532},\"source\":{\"api\":\"native\"},\"custom\":\"kept\"},"
                + "\"properties\":{\"order_id\":\"o-1\",\"total\":"
                + total
                + ",\"currency\":\"EUR\"}}";
    }

    static RawRecord raw(String json) {
        return raw(json.getBytes(StandardCharsets.UTF_8));
    }

    static RawRecord raw(byte[] bytes) {
        return new RawRecord("causality.events", 0, 42, bytes);
    }
}
