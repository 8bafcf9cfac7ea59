package io.causality.stack.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.schemas.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** A small client of the ingest API, for the demo, the tests and the load generator. */
public final class IngestClient {
    private final HttpClient http;
    private final String baseUrl;
    private final ObjectMapper mapper = EventJson.mapper();

    public IngestClient(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
    }

    /** Status and parsed JSON body of one answer. */
    public record Answer(int status, JsonNode body, HttpResponse<byte[]> raw) {
        public int accepted() {
            return body.path("accepted").asInt(0);
        }

        public String errorCode() {
            return body.path("error").path("code").asText(null);
        }
    }

    public Answer nativeBatch(String writeKey, List<ObjectNode> events)
            throws IOException, InterruptedException {
        return batch("/v1/events/batch", "events", writeKey, events);
    }

    public Answer segmentBatch(String writeKey, List<ObjectNode> calls)
            throws IOException, InterruptedException {
        return batch("/v1/batch", "batch", writeKey, calls);
    }

    private Answer batch(String path, String field, String writeKey, List<ObjectNode> items)
            throws IOException, InterruptedException {
        ObjectNode body = mapper.createObjectNode();
        ArrayNode arr = body.putArray(field);
        items.forEach(arr::add);
        return post(path, writeKey, mapper.writeValueAsBytes(body));
    }

    public Answer post(String path, String writeKey, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder req =
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (writeKey != null) {
            req.header("Authorization", basic(writeKey));
        }
        return send(req.build());
    }

    public Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json;
        try {
            json = r.body().length == 0 ? mapper.createObjectNode() : mapper.readTree(r.body());
        } catch (IOException notJson) {
            json =
                    mapper.createObjectNode()
                            .put("raw", new String(r.body(), StandardCharsets.UTF_8));
        }
        return new Answer(r.statusCode(), json, r);
    }

    /** Segment's scheme: the write key is the Basic user name, the password is empty. */
    public static String basic(String writeKey) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    public String baseUrl() {
        return baseUrl;
    }
}
