package io.causality.jobs.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.causality.schemas.EventJson;
import io.causality.schemas.lake.DecisionTable;
import io.causality.schemas.lake.DecisionValidator;
import io.causality.webhooks.Delivery;
import org.junit.jupiter.api.Test;

class DeliveryRecordsTest {
    private static final DecisionValidator DECISIONS = new DecisionValidator();

    private static Delivery delivery() {
        Delivery d = new Delivery();
        d.deliveryId = "d-1";
        d.appId = "shop";
        d.endpoint = "crm";
        d.matchId = "m-1";
        d.rule = "vip";
        d.ruleVersion = 3;
        d.attempts = 2;
        d.firstSeenMillis = 1_764_000_000_000L;
        return d;
    }

    private static JsonNode ending(Outcome o) throws Exception {
        JsonNode j =
                EventJson.mapper()
                        .readTree(DeliveryRecords.endingJson(DeliveryRecords.deliveryRow(o)));
        assertThat(DECISIONS.problems(DecisionTable.DELIVERIES, j)).as("%s", j).isEmpty();
        return j;
    }

    @Test
    void aDeliveredEndingIsWhatTheDeliveriesTableTakes() throws Exception {
        Outcome o = Outcome.of(Outcome.Result.DELIVERED, delivery(), null);
        o.attempted = true;
        o.status = 200;
        o.latencyMillis = 12;
        o.startedMillis = 1_764_000_001_000L;
        JsonNode j = ending(o);
        assertThat(j.path("delivery_id").asText()).isEqualTo("d-1");
        assertThat(j.path("status").asText()).isEqualTo("delivered");
        assertThat(j.path("status_code").asInt()).isEqualTo(200);
        assertThat(j.path("match_id").asText()).isEqualTo("m-1");
        assertThat(j.path("created_at").asText()).isEqualTo("2025-11-24T16:00:00Z");
    }

    @Test
    void aRefusedOneHasNoStatusCodeAndSaysWhy() throws Exception {
        Outcome o = Outcome.of(Outcome.Result.REFUSED, delivery(), "unknown endpoint");
        JsonNode j = ending(o);
        assertThat(j.path("status").asText()).isEqualTo("refused");
        assertThat(j.path("status_code").isNull()).isTrue();
        assertThat(j.path("error").asText()).isEqualTo("unknown endpoint");
        Outcome gone = Outcome.of(Outcome.Result.GONE, delivery(), "410");
        assertThat(ending(gone).path("status").asText()).isEqualTo("failed");
    }
}
