package io.causality.jobs.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.contracts.EndpointNames;
import io.causality.jobs.common.DeadLetter;
import io.causality.jobs.common.DeadLetters;
import io.causality.jobs.common.RawRecord;
import io.causality.schemas.EventFields;
import io.causality.schemas.EventJson;
import io.causality.webhooks.Delivery;
import io.causality.webhooks.DeliveryCodec;
import java.io.IOException;
import java.util.regex.Pattern;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Reads the actions the reaction job wrote: a {@code webhook} action becomes a {@link Delivery}
 * with its body made once, an {@code emit} action goes aside to its topic, anything else is a dead
 * letter with the reason.
 */
final class ActionReader extends ProcessFunction<RawRecord, Delivery> {
    private static final long serialVersionUID = 1L;
    static final String UID = "read-actions";
    static final OutputTag<EmitRecord> EMITS =
            new OutputTag<>("emits", TypeInformation.of(EmitRecord.class));

    /** Topics an action may emit to: not the pipeline's own (an app could inject events). */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final String bootstrapServers;
    private transient DeadLetters deadLetters;
    private transient EmitTopics topics;

    ActionReader(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public void open(OpenContext context) {
        deadLetters = DeadLetters.open(getRuntimeContext().getMetricGroup());
        topics = new EmitTopics(bootstrapServers);
    }

    @Override
    public void close() {
        if (topics != null) {
            topics.close();
        }
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<Delivery> out) {
        try {
            JsonNode action = parse(raw.value);
            String kind = DeliveryCodec.text(action, "kind");
            String target = DeliveryCodec.text(action, "target");
            String app = DeliveryCodec.text(action, "app_id");
            if (!EventFields.APP_ID_PATTERN.matcher(app).matches()) {
                throw new IllegalArgumentException("app_id: " + EventFields.APP_ID_RULE);
            }
            switch (kind) {
                case "webhook" -> {
                    if (!EndpointNames.valid(target)) {
                        throw new IllegalArgumentException("target: " + EndpointNames.RULE);
                    }
                    out.collect(
                            delivery(
                                    action,
                                    app,
                                    target,
                                    ctx.timerService().currentProcessingTime()));
                }
                case "emit" -> {
                    if (!TOPIC.matcher(target).matches() || target.startsWith("causality.")) {
                        throw new IllegalArgumentException(
                                "emit to topic '"
                                        + target
                                        + "' refused: topics named causality.* are the pipeline's own");
                    }
                    if (!topics.exists(target)) {
                        throw new IllegalArgumentException(
                                "emit topic '"
                                        + target
                                        + "' does not exist; create it, then replay this dead letter");
                    }
                    ctx.output(EMITS, new EmitRecord(target, app, raw.value));
                }
                default ->
                        throw new IllegalArgumentException(
                                "kind must be webhook or emit, got " + kind);
            }
        } catch (IllegalArgumentException e) {
            deadLetters.send(
                    ctx::output,
                    new DeadLetter(
                            DeliveryJob.NAME,
                            e.getMessage().startsWith("emit")
                                    ? e.getMessage()
                                    : "not an action: " + e.getMessage(),
                            raw));
        }
    }

    static Delivery delivery(JsonNode action, String app, String endpoint, long now) {
        Delivery d = new Delivery();
        d.deliveryId = DeliveryCodec.text(action, "action_id");
        d.appId = app;
        d.endpoint = endpoint;
        d.matchId = action.path("match_id").asText(null);
        d.rule = action.path("rule").asText(null);
        d.ruleVersion = action.path("version").asInt();
        d.key = action.path("key").isTextual() ? action.get("key").asText() : null;
        d.body = DeliveryCodec.body(action);
        d.firstSeenMillis = now;
        return d;
    }

    private static JsonNode parse(byte[] value) {
        try {
            JsonNode n = EventJson.mapper().readTree(value);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON");
        }
    }
}
