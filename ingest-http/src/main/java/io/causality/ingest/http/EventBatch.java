package io.causality.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.causality.ingest.EventEnricher;
import io.causality.ingest.EventPipeline;
import io.causality.ingest.IngestMetrics;
import io.causality.ingest.kafka.EventPublisher;
import io.causality.schemas.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of one request body through the {@link EventPipeline}: what goes to Kafka, and what is
 * refused with which violations (by index in the batch). No HTTP and no Kafka here.
 */
final class EventBatch {
    private final EventPipeline pipeline;
    private final int maxEvents;
    private final IngestMetrics metrics;
    private final ObjectMapper mapper;

    EventBatch(EventPipeline pipeline, int maxEvents, IngestMetrics metrics, ObjectMapper mapper) {
        this.pipeline = pipeline;
        this.maxEvents = maxEvents;
        this.metrics = metrics;
        this.mapper = mapper;
    }

    /**
     * The events of a batch that were valid, ready to send, and what was wrong with the others.
     *
     * @param events how many the batch held
     * @param bytes the size of what is to be sent
     */
    record Outcome(
            List<EventPublisher.Outgoing> outgoing,
            long bytes,
            ArrayNode eventIds,
            ArrayNode rejected,
            int events) {
        int accepted() {
            return outgoing.size();
        }

        int refused() {
            return events - outgoing.size();
        }
    }

    /**
     * @throws ApiException when the body holds no events, too many, or is not the endpoint's shape
     */
    Outcome process(Endpoint endpoint, JsonNode root, EventEnricher.Origin origin)
            throws ApiException {
        List<JsonNode> items = RequestBody.items(endpoint, root);
        if (items.isEmpty()) {
            throw new ApiException(ApiError.EMPTY_BATCH, "the batch holds no events");
        }
        if (items.size() > maxEvents) {
            throw new ApiException(
                    ApiError.BATCH_TOO_LARGE,
                    "a batch holds at most " + maxEvents + " events, this one has " + items.size());
        }
        metrics.batch(items.size());
        ArrayNode rejected = mapper.createArrayNode();
        ArrayNode eventIds = mapper.createArrayNode();
        List<EventPublisher.Outgoing> outgoing = new ArrayList<>(items.size());
        EventPipeline.Call call =
                new EventPipeline.Call(
                        endpoint.api() == Endpoint.Api.SEGMENT,
                        endpoint.segmentCall(),
                        endpoint.batch(),
                        root);
        long bytes = 0;
        for (int i = 0; i < items.size(); i++) {
            EventPipeline.Result result = pipeline.process(items.get(i), call, origin);
            if (!result.accepted()) {
                reject(rejected, i, result.problems());
                continue;
            }
            bytes += result.value().length;
            eventIds.add(result.eventId());
            outgoing.add(new EventPublisher.Outgoing(result.key(), result.value()));
        }
        return new Outcome(outgoing, bytes, eventIds, rejected, items.size());
    }

    private void reject(ArrayNode rejected, int index, List<Violation> violations) {
        metrics.rejected(violations.get(0).code(), 1);
        for (Violation v : violations) {
            rejected.addObject()
                    .put("index", index)
                    .put("code", v.code())
                    .put("path", v.path())
                    .put("message", v.message());
        }
    }
}
