package io.causality.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.ingest.server.IngestServer;
import io.causality.schemas.EventJson;
import io.causality.stack.demo.IngestClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stopping the service under load: requests in flight are answered, and every event answered with
 * 200 is in Kafka (the producer was flushed); later requests are refused, never half-served.
 */
@ExtendWith(SharedPipeline.class)
class GracefulShutdownIT {

    @Test
    void stopAnswersInFlightRequestsAndFlushesTheProducer(Pipeline pipeline) throws Exception {
        IngestServer server = pipeline.startIngest(Map.of());
        IngestClient client = new IngestClient("http://127.0.0.1:" + server.port());
        String key = pipeline.newKey("shutdown");
        ExecutorService senders = Executors.newFixedThreadPool(6);
        CountDownLatch flowing = new CountDownLatch(30);
        List<Future<List<String>>> loops = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            loops.add(
                    senders.submit(
                            () -> {
                                List<String> stored = new ArrayList<>();
                                for (int i = 0; i < 400; i++) {
                                    List<ObjectNode> batch = new ArrayList<>();
                                    for (int j = 0; j < 25; j++) {
                                        batch.add(
                                                EventJson.mapper()
                                                        .createObjectNode()
                                                        .put(
                                                                "event_id",
                                                                UUID.randomUUID().toString())
                                                        .put("type", "app_open")
                                                        .put("anonymous_id", "d-" + j));
                                    }
                                    IngestClient.Answer a;
                                    try {
                                        a = client.nativeBatch(key, batch);
                                    } catch (IOException refusedConnection) {
                                        break; // the server stopped listening: expected after
                                        // stop()
                                    }
                                    flowing.countDown();
                                    if (a.status() == 200) {
                                        a.body()
                                                .get("event_ids")
                                                .forEach(id -> stored.add(id.asText()));
                                    } else {
                                        assertThat(a.status())
                                                .as(a.body().toString())
                                                .isEqualTo(503);
                                        assertThat(a.errorCode()).isEqualTo("shutting_down");
                                        break;
                                    }
                                }
                                return stored;
                            }));
        }
        flowing.await();
        server.stop();
        List<String> acknowledged = new ArrayList<>();
        for (Future<List<String>> f : loops) {
            acknowledged.addAll(f.get());
        }
        senders.shutdown();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(30 * 25);
        Set<String> inKafka = new HashSet<>(pipeline.readAllEvents().keySet());
        assertThat(inKafka).containsAll(acknowledged);
    }
}
