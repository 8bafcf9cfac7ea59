package io.causality.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs SQL on Trino over its client REST protocol: POST the statement to {@code /v1/statement},
 * then follow {@code nextUri} until the query finishes, collecting columns and rows on the way.
 * Small and dependency-free (the JDBC driver would bring its own HTTP stack for the same thing).
 */
public final class TrinoClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String user;
    private final String catalog;
    private final String schema;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param catalog and {@code schema}: what unqualified table names in the SQL refer to
     */
    public TrinoClient(String baseUrl, String user, String catalog, String schema) {
        this.baseUrl = baseUrl;
        this.user = user;
        this.catalog = catalog;
        this.schema = schema;
    }

    /** What a query returned: column names and types, and rows of JSON values. */
    public record Result(List<String> columns, List<String> types, List<List<JsonNode>> rows) {
        /** The single value of a one-row, one-column result, as a long. */
        public long singleLong() {
            if (rows.size() != 1 || rows.get(0).size() != 1) {
                throw new IllegalStateException("expected one value, got " + rows);
            }
            return rows.get(0).get(0).asLong();
        }
    }

    /** A query Trino refused or that failed, with Trino's error name (e.g. TABLE_NOT_FOUND). */
    public static final class QueryFailed extends IOException {
        private final String errorName;

        QueryFailed(String errorName, String message) {
            super(errorName + ": " + message);
            this.errorName = errorName;
        }

        public String errorName() {
            return errorName;
        }
    }

    public Result query(String sql, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest first =
                request(URI.create(baseUrl + "/v1/statement"), deadline)
                        .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
                        .build();
        JsonNode page = send(first, deadline);
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<List<JsonNode>> rows = new ArrayList<>();
        while (true) {
            failIfError(page);
            if (columns.isEmpty() && page.has("columns")) {
                for (JsonNode c : page.get("columns")) {
                    columns.add(c.path("name").asText());
                    types.add(c.path("type").asText());
                }
            }
            for (JsonNode row : page.path("data")) {
                List<JsonNode> values = new ArrayList<>();
                row.forEach(values::add);
                rows.add(values);
            }
            String next = page.path("nextUri").asText(null);
            if (next == null) {
                return new Result(columns, types, rows);
            }
            if (Instant.now().isAfter(deadline)) {
                cancel(next);
                throw new IOException("query did not finish within " + timeout + ": " + sql);
            }
            page = send(request(URI.create(next), deadline).GET().build(), deadline);
        }
    }

    private HttpRequest.Builder request(URI uri, Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return HttpRequest.newBuilder(uri)
                .timeout(left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left)
                .header("X-Trino-User", user)
                .header("X-Trino-Catalog", catalog)
                .header("X-Trino-Schema", schema)
                .header("X-Trino-Source", "causality");
    }

    /** One page; 502/503/504 mean "ask again shortly", as the protocol says. */
    private JsonNode send(HttpRequest request, Instant deadline)
            throws IOException, InterruptedException {
        while (true) {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = r.statusCode();
            if (status == 200) {
                return JSON.readTree(r.body());
            }
            if ((status == 502 || status == 503 || status == 504)
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(100); // the protocol's back-off for a busy coordinator
                continue;
            }
            throw new IOException(
                    "Trino answered "
                            + status
                            + " to "
                            + request.uri()
                            + ": "
                            + r.body().lines().findFirst().orElse(""));
        }
    }

    private static void failIfError(JsonNode page) throws QueryFailed {
        JsonNode error = page.get("error");
        if (error != null && !error.isNull()) {
            throw new QueryFailed(
                    error.path("errorName").asText("QUERY_FAILED"),
                    error.path("message").asText("(no message)"));
        }
    }

    private void cancel(String nextUri) {
        try {
            http.send(
                    HttpRequest.newBuilder(URI.create(nextUri))
                            .timeout(Duration.ofSeconds(2))
                            .header("X-Trino-User", user)
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException | InterruptedException e) {
            // best effort: Trino abandons a query nobody polls anyway
        }
    }
}
