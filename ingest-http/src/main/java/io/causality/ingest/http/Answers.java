package io.causality.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON bodies the ingest answers with. Every answer names its request id; an error answer has
 * {@code success: false} and its code and message both under {@code error} and at the top, where
 * Segment's analytics-python reads them (without them it takes an error answer for a broken
 * connection and retries even a 4xx).
 */
final class Answers {
    private final ObjectMapper mapper;

    Answers(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ObjectNode error(String requestId, ApiError error, String message) {
        ObjectNode body = mapper.createObjectNode();
        body.put("success", false);
        body.put("request_id", requestId);
        body.putObject("error").put("code", error.code()).put("message", message);
        body.put("code", error.code());
        body.put("message", message);
        return body;
    }

    /** Some events stored: how many, their ids, and what was wrong with the others. */
    ObjectNode stored(String requestId, int accepted, ArrayNode rejected, ArrayNode eventIds) {
        ObjectNode body = mapper.createObjectNode();
        body.put("success", true);
        body.put("request_id", requestId);
        body.put("accepted", accepted);
        body.set("rejected", rejected);
        body.set("event_ids", eventIds);
        return body;
    }

    /** No event of the batch is valid. */
    ObjectNode noneValid(String requestId, int events, ArrayNode rejected) {
        ObjectNode body =
                error(
                        requestId,
                        ApiError.VALIDATION_FAILED,
                        events == 1
                                ? "the event is not valid; see rejected for what to fix"
                                : "none of the "
                                        + events
                                        + " events is valid; see rejected for what to fix");
        body.set("rejected", rejected);
        return body;
    }

    /**
     * Valid events that could not be stored: the ids they were given, so that the retry sends the
     * same ones, and what was wrong with the others.
     */
    ObjectNode unstored(
            String requestId,
            ApiError error,
            String message,
            ArrayNode eventIds,
            ArrayNode rejected) {
        ObjectNode body = error(requestId, error, message);
        body.set("event_ids", eventIds);
        body.set("rejected", rejected);
        return body;
    }

    ObjectNode health() {
        return mapper.createObjectNode().put("status", "up");
    }

    /**
     * Whether the service takes events now.
     *
     * @param kafkaProblem what is wrong with Kafka or the events topic, null when nothing
     */
    record Readiness(String kafkaProblem, boolean keyStore, boolean draining) {
        boolean ready() {
            return kafkaProblem == null && keyStore && !draining;
        }

        int status() {
            return ready() ? 200 : 503;
        }
    }

    ObjectNode readiness(Readiness r) {
        ObjectNode body = mapper.createObjectNode();
        body.put("status", r.ready() ? "ready" : "not_ready");
        body.put("kafka", r.kafkaProblem() == null ? "up" : "down");
        if (r.kafkaProblem() != null) {
            body.put("kafka_problem", r.kafkaProblem());
        }
        body.put("key_store", r.keyStore() ? "up" : "down");
        body.put("draining", r.draining());
        return body;
    }

    byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree built here always serialises", e);
        }
    }
}
