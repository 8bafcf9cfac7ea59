package io.causality.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.schemas.EventJson;
import org.junit.jupiter.api.Test;

class AnswersTest {
    private final Answers answers = new Answers(EventJson.mapper());

    @Test
    void anErrorCarriesItsCodeAndMessageUnderErrorAndAtTheTop() throws Exception {
        ObjectNode body = answers.error("r1", ApiError.RATE_LIMITED, "slow down");
        JsonNode read = EventJson.mapper().readTree(answers.bytes(body));
        assertThat(read.get("success").asBoolean()).isFalse();
        assertThat(read.get("request_id").asText()).isEqualTo("r1");
        assertThat(read.at("/error/code").asText()).isEqualTo("rate_limited");
        assertThat(read.at("/error/message").asText()).isEqualTo("slow down");
        assertThat(read.get("code").asText()).isEqualTo("rate_limited");
        assertThat(read.get("message").asText()).isEqualTo("slow down");
    }

    @Test
    void unstoredEventsKeepTheirIdsForTheRetry() {
        var ids = EventJson.mapper().createArrayNode().add("e1").add("e2");
        var rejected = EventJson.mapper().createArrayNode();
        ObjectNode body = answers.unstored("r2", ApiError.KAFKA_UNAVAILABLE, "down", ids, rejected);
        assertThat(body.get("event_ids")).isEqualTo(ids);
        assertThat(body.at("/error/code").asText()).isEqualTo("kafka_unavailable");
        assertThat(answers.noneValid("r3", 1, rejected).get("message").asText())
                .isEqualTo("the event is not valid; see rejected for what to fix");
        assertThat(answers.noneValid("r3", 4, rejected).get("message").asText())
                .startsWith("none of the 4 events");
    }

    @Test
    void readinessNamesWhatIsDown() {
        Answers.Readiness up = new Answers.Readiness(null, true, false);
        assertThat(up.status()).isEqualTo(200);
        assertThat(answers.readiness(up).get("status").asText()).isEqualTo("ready");
        assertThat(answers.readiness(up).has("kafka_problem")).isFalse();

        Answers.Readiness noTopic = new Answers.Readiness("topic x is missing", true, false);
        ObjectNode body = answers.readiness(noTopic);
        assertThat(noTopic.status()).isEqualTo(503);
        assertThat(body.get("kafka").asText()).isEqualTo("down");
        assertThat(body.get("kafka_problem").asText()).isEqualTo("topic x is missing");

        assertThat(new Answers.Readiness(null, false, false).status()).isEqualTo(503);
        Answers.Readiness draining = new Answers.Readiness(null, true, true);
        assertThat(draining.status()).isEqualTo(503);
        assertThat(answers.readiness(draining).get("draining").asBoolean()).isTrue();
    }
}
