package io.causality.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.ingest.segment.SegmentMapper;
import io.causality.schemas.ErrorCodes;
import io.causality.schemas.Event;
import io.causality.schemas.EventFields;
import io.causality.schemas.EventJson;
import io.causality.schemas.EventValidator;
import io.causality.schemas.Timestamps;
import io.causality.schemas.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What happens to each event of a request, without HTTP or Kafka: the Segment mapping, the server's
 * additions ({@link EventEnricher}), the check of the event <em>as it will be stored</em> against
 * the schemas, the bound on its event time and its size, and its bytes. Because the stored form is
 * what is checked, an event the ingest accepts is one the jobs accept: nothing the server adds can
 * make it invalid after the check.
 */
public final class EventPipeline {
    private final EventValidator validator;
    private final EventEnricher enricher = new EventEnricher();
    private final SegmentMapper segment = new SegmentMapper();
    private final ObjectMapper mapper;
    private final int maxEventBytes;
    private final Duration maxFutureEventTime;

    /**
     * @param maxStringLength longest string accepted by the parser, in characters
     * @param maxEventBytes largest event accepted, as stored
     * @param maxFutureEventTime how far ahead of its receipt an event's time may be
     */
    public EventPipeline(
            EventValidator validator,
            int maxStringLength,
            int maxEventBytes,
            Duration maxFutureEventTime) {
        this.validator = validator;
        this.mapper = EventJson.newMapper(EventJson.MAX_NESTING_DEPTH, maxStringLength);
        this.maxEventBytes = maxEventBytes;
        this.maxFutureEventTime = maxFutureEventTime;
    }

    /**
     * The reader of request bodies: numbers with a fraction or exponent are read exactly (so that
     * one too small for a double is seen and refused, not stored as 0), and anything after the JSON
     * is an error.
     */
    public ObjectReader reader() {
        return mapper.reader()
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                // 11.0 stays 11.0: the digits sent are the digits stored.
                .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }

    /** What becomes of one event: stored (key, bytes and id), or refused with every problem. */
    public record Result(String eventId, String key, byte[] value, List<Violation> problems) {
        public boolean accepted() {
            return problems.isEmpty();
        }

        static Result refused(List<Violation> problems) {
            return new Result(null, null, null, problems);
        }
    }

    /** Where an event came from: which API, which Segment call, and the request's body. */
    public record Call(boolean segment, String segmentCall, boolean batch, JsonNode root) {}

    public Result process(JsonNode item, Call call, EventEnricher.Origin origin) {
        if (call.segment()) {
            if (item instanceof ObjectNode o && call.batch()) {
                SegmentMapper.inheritFromBatch(call.root(), o);
            }
            SegmentMapper.Mapped mapped = segment.map(item, call.segmentCall(), origin.appId());
            if (mapped.problem() != null) {
                return Result.refused(List.of(mapped.problem()));
            }
            item = mapped.event();
        } else if (call.root().isObject() && item instanceof ObjectNode o) {
            JsonNode sentAt = call.root().get("sent_at");
            if (sentAt != null) {
                o.putIfAbsent(EventFields.SENT_AT, sentAt);
            }
        }
        if (!(item instanceof ObjectNode event)) {
            return Result.refused(validator.validate(item));
        }
        enricher.enrich(event, origin);
        List<Violation> problems = validator.validate(event);
        if (problems.isEmpty()) {
            problems = futureBound(event, origin.receivedAt());
        }
        if (!problems.isEmpty()) {
            return Result.refused(problems);
        }
        byte[] value = serialize(event);
        if (value.length > maxEventBytes) {
            return Result.refused(
                    List.of(
                            new Violation(
                                    ErrorCodes.EVENT_TOO_LARGE,
                                    "$",
                                    "the event is "
                                            + value.length
                                            + " bytes as stored; at most "
                                            + maxEventBytes
                                            + " are accepted")));
        }
        return new Result(
                event.get(EventFields.EVENT_ID).textValue(),
                Event.partitionKey(
                        origin.appId(),
                        text(event, EventFields.ANONYMOUS_ID),
                        text(event, EventFields.USER_ID)),
                value,
                List.of());
    }

    /**
     * An event time far ahead of its receipt would open lake partitions and sequence state that
     * nothing expires for as long: refused (not clamped, so that what is stored is what was sent).
     */
    private List<Violation> futureBound(ObjectNode event, Instant receivedAt) {
        Instant time = Timestamps.parse(event.get(EventFields.TIMESTAMP).textValue());
        if (time.isAfter(receivedAt.plus(maxFutureEventTime))) {
            return List.of(
                    new Violation(
                            ErrorCodes.TIMESTAMP_IN_FUTURE,
                            "$.timestamp",
                            "the event time "
                                    + Timestamps.format(time)
                                    + " is more than "
                                    + maxFutureEventTime
                                    + " after it was received ("
                                    + Timestamps.format(receivedAt)
                                    + "); check the device clock, or send sent_at so that the"
                                    + " ingest can correct it"));
        }
        return List.of();
    }

    private byte[] serialize(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }
}
