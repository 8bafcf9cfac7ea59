package io.causality.schemas.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LakeSchemaTest {

    @Test
    void columnsAreDerivedFromTheEnvelopeSchema() {
        Map<String, LakeColumn> byName =
                LakeSchema.columns().stream().collect(Collectors.toMap(LakeColumn::name, c -> c));
        assertThat(byName.get("event_id"))
                .isEqualTo(new LakeColumn("event_id", LakeType.STRING, "/event_id"));
        assertThat(byName.get("timestamp").type()).isEqualTo(LakeType.TIMESTAMP);
        assertThat(byName.get("received_at").type()).isEqualTo(LakeType.TIMESTAMP);
        assertThat(byName.get("context_os_name"))
                .isEqualTo(new LakeColumn("context_os_name", LakeType.STRING, "/context/os/name"));
        assertThat(byName.get("context_screen_width").type()).isEqualTo(LakeType.LONG);
        assertThat(byName.get("context_screen_density").type()).isEqualTo(LakeType.DOUBLE);
        assertThat(byName.get("context_network_wifi").type()).isEqualTo(LakeType.BOOLEAN);
        assertThat(byName.get("context_source_api").pointer()).isEqualTo("/context/source/api");
        assertThat(byName).containsKeys(LakeSchema.CONTEXT_JSON, LakeSchema.PROPERTIES_JSON);
        assertThat(byName).doesNotContainKeys("app_id", "dt", "hour", "context", "properties");
    }

    @Test
    void columnNamesAreUniqueAndLowerSnakeCase() {
        List<String> names = LakeSchema.columns().stream().map(LakeColumn::name).toList();
        assertThat(names).doesNotHaveDuplicates().allMatch(n -> n.matches("[a-z][a-z0-9_]*"));
    }

    @Test
    void trinoDdlHasEveryColumnAndThePartitionsLast() {
        String ddl = LakeSchema.trinoDdl("lake.causality.events", "s3://lake/events");
        for (LakeColumn c : LakeSchema.columns()) {
            assertThat(ddl).contains("  " + c.name() + " ");
        }
        assertThat(ddl)
                .contains("timestamp timestamp(3)")
                .contains("partitioned_by = ARRAY['app_id', 'dt', 'hour']")
                .contains("  hour integer\n)")
                .contains("external_location = 's3://lake/events'");
    }

    @Test
    void onlyVisibleParquetFilesAreCommitted() {
        assertThat(LakeSchema.isCommittedFile(java.nio.file.Path.of("e/app_id=a/part-1-0.parquet")))
                .isTrue();
        assertThat(LakeSchema.isCommittedFile(java.nio.file.Path.of("compacted-part-1-0.parquet")))
                .isTrue();
        assertThat(
                        LakeSchema.isCommittedFile(
                                java.nio.file.Path.of(".part-1-0.parquet.inprogress.abc")))
                .isFalse();
        assertThat(LakeSchema.isCommittedFile(java.nio.file.Path.of(".part-1-0.parquet")))
                .isFalse();
        assertThat(LakeSchema.isCommittedFile(java.nio.file.Path.of("_SUCCESS"))).isFalse();
    }
}
