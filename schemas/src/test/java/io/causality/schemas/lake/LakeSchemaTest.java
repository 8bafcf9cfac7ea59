package io.causality.schemas.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertThat(LakeSchema.isCommittedFile(Path.of("e/app_id=a/part-1-0.parquet"))).isTrue();
        assertThat(LakeSchema.isCommittedFile(Path.of("compacted-part-1-0.parquet"))).isTrue();
        assertThat(LakeSchema.isCommittedFile(Path.of(".part-1-0.parquet.inprogress.abc")))
                .isFalse();
        assertThat(LakeSchema.isCommittedFile(Path.of(".part-1-0.parquet"))).isFalse();
        assertThat(LakeSchema.isCommittedFile(Path.of("_SUCCESS"))).isFalse();
    }

    @Test
    void committedFilesAreTheVisibleParquetFilesOfEveryPartition(@TempDir Path lake)
            throws IOException {
        assertThat(LakeSchema.committedFiles(lake.resolve("not-there"))).isEmpty();
        Path hour = Files.createDirectories(lake.resolve("events/app_id=a/dt=2026-12-03/hour=7"));
        Path other = Files.createDirectories(lake.resolve("events/app_id=b/dt=2026-12-03/hour=8"));
        Files.writeString(hour.resolve("compacted-part-1-0.parquet"), "x");
        Files.writeString(hour.resolve(".part-1-1.parquet.inprogress.abc"), "x");
        Files.writeString(other.resolve("part-2-0.parquet"), "x");
        Files.writeString(other.resolve("_SUCCESS"), "");

        assertThat(LakeSchema.committedFiles(lake.resolve("events")))
                .containsExactlyInAnyOrder(
                        hour.resolve("compacted-part-1-0.parquet"),
                        other.resolve("part-2-0.parquet"));
    }
}
