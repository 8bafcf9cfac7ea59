package io.causality.schemas.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DecisionTableTest {

    private static Map<String, LakeColumn> columns(DecisionTable t) {
        return t.columns().stream().collect(Collectors.toMap(LakeColumn::name, c -> c));
    }

    @Test
    void ruleMatchColumnsComeFromTheirSchema() {
        Map<String, LakeColumn> byName = columns(DecisionTable.RULE_MATCHES);
        assertThat(byName.get("match_id"))
                .isEqualTo(new LakeColumn("match_id", LakeType.STRING, "/match_id"));
        assertThat(byName.get("version").type()).isEqualTo(LakeType.LONG);
        assertThat(byName.get("time").type()).isEqualTo(LakeType.TIMESTAMP);
        assertThat(byName.get("event_ids_json"))
                .as("an array is kept as its JSON")
                .isEqualTo(new LakeColumn("event_ids_json", LakeType.STRING, "/event_ids"));
        assertThat(byName).doesNotContainKeys("app_id", "dt", "event_ids");
    }

    @Test
    void anomalyColumnsComeFromTheirSchema() {
        Map<String, LakeColumn> byName = columns(DecisionTable.ANOMALIES);
        assertThat(byName.get("value").type()).as("a nullable number").isEqualTo(LakeType.DOUBLE);
        assertThat(byName.get("state").type()).as("an enum").isEqualTo(LakeType.STRING);
        assertThat(byName.get("window_end").type()).isEqualTo(LakeType.TIMESTAMP);
        assertThat(byName.get("group_json").pointer()).isEqualTo("/group");
        assertThat(DecisionTable.ANOMALIES.timeField()).isEqualTo("window_end");
    }

    @Test
    void everyTableIsPartitionedByAppAndDay() {
        for (DecisionTable t : DecisionTable.values()) {
            String ddl = t.trinoDdl("lake.causality." + t.table(), "s3://lake/" + t.table());
            for (LakeColumn c : t.columns()) {
                assertThat(ddl).contains("  " + c.name() + " ");
            }
            assertThat(ddl)
                    .contains("partitioned_by = ARRAY['app_id', 'dt']")
                    .contains("  dt varchar\n)")
                    .contains("external_location = 's3://lake/" + t.table() + "'");
            assertThat(t.columns().stream().map(LakeColumn::name))
                    .doesNotHaveDuplicates()
                    .allMatch(n -> n.matches("[a-z][a-z0-9_]*"));
        }
    }
}
