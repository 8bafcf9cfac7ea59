package io.causality.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client side of Trino's statement protocol against scripted pages (the e2e test runs it
 * against a real Trino): following nextUri, collecting rows across pages, retrying 503, errors.
 */
class TrinoClientTest {
    private HttpServer server;
    private String base;
    private final Map<String, String> pages = new ConcurrentHashMap<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger busyAnswers = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        seen.add(
                ex.getRequestMethod()
                        + " "
                        + path
                        + " user="
                        + ex.getRequestHeaders().getFirst("X-Trino-User")
                        + " schema="
                        + ex.getRequestHeaders().getFirst("X-Trino-Schema")
                        + (body.isEmpty() ? "" : " sql=" + body));
        if (path.equals("/busy") && busyAnswers.getAndIncrement() == 0) {
            ex.sendResponseHeaders(503, -1);
            ex.close();
            return;
        }
        String page = pages.get(path);
        byte[] bytes = (page == null ? "{}" : page.replace("BASE", base)).getBytes();
        ex.sendResponseHeaders(page == null ? 404 : 200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Test
    void followsNextUriCollectingRowsAndRetriesABusyCoordinator() throws Exception {
        pages.put("/v1/statement", "{\"id\":\"q1\",\"nextUri\":\"BASE/busy\"}");
        pages.put(
                "/busy",
                "{\"columns\":[{\"name\":\"type\",\"type\":\"varchar\"},"
                        + "{\"name\":\"n\",\"type\":\"bigint\"}],"
                        + "\"data\":[[\"a\",1]],\"nextUri\":\"BASE/last\"}");
        pages.put(
                "/last",
                "{\"columns\":[{\"name\":\"type\",\"type\":\"varchar\"},"
                        + "{\"name\":\"n\",\"type\":\"bigint\"}],\"data\":[[\"b\",2]]}");

        TrinoClient.Result r =
                new TrinoClient(base, "me", "lake", "causality")
                        .query("SELECT type, n FROM t", Duration.ofSeconds(10));

        assertThat(r.columns()).containsExactly("type", "n");
        assertThat(r.types()).containsExactly("varchar", "bigint");
        assertThat(r.rows()).hasSize(2);
        assertThat(r.rows().get(1).get(1).asLong()).isEqualTo(2);
        assertThat(busyAnswers.get()).isEqualTo(2);
        assertThat(seen.get(0))
                .isEqualTo("POST /v1/statement user=me schema=causality sql=SELECT type, n FROM t");
        assertThat(seen).hasSize(4);
    }

    @Test
    void aFailedQueryRaisesTrinosErrorNameAndMessage() {
        pages.put("/v1/statement", "{\"id\":\"q2\",\"nextUri\":\"BASE/failed\"}");
        pages.put(
                "/failed",
                "{\"error\":{\"message\":\"line 1:15: Table 'lake.causality.nope' does not"
                        + " exist\",\"errorName\":\"TABLE_NOT_FOUND\"}}");

        assertThatThrownBy(
                        () ->
                                new TrinoClient(base, "me", "lake", "causality")
                                        .query("SELECT * FROM nope", Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(
                        TrinoClient.QueryFailed.class,
                        e -> assertThat(e.errorName()).isEqualTo("TABLE_NOT_FOUND"))
                .hasMessageContaining("does not exist");
    }

    @Test
    void anUnexpectedStatusIsAnErrorThatNamesIt() {
        assertThatThrownBy(
                        () ->
                                new TrinoClient(base + "/nowhere", "me", "lake", "causality")
                                        .query("SELECT 1", Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Trino answered 404");
    }
}
