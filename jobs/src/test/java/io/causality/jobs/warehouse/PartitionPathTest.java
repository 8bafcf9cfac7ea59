package io.causality.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PartitionPathTest {

    @Test
    void partitionIsAppDayAndHourOfTheEventTimeInUtc() {
        assertThat(PartitionPath.of("shop", Instant.parse("2026-11-22T10:15:00Z").toEpochMilli()))
                .isEqualTo("app_id=shop/dt=2026-11-22/hour=10");
        assertThat(
                        PartitionPath.of(
                                "shop", Instant.parse("2026-11-22T00:59:59.999Z").toEpochMilli()))
                .isEqualTo("app_id=shop/dt=2026-11-22/hour=0");
        // An event at 23:30 in New York on the 21st happened on the 22nd in UTC.
        assertThat(PartitionPath.of("news", Instant.parse("2026-11-22T04:30:00Z").toEpochMilli()))
                .isEqualTo("app_id=news/dt=2026-11-22/hour=4");
    }

    @Test
    void lateEventLandsInItsOwnHourNotTheArrivalHour() {
        LakeRow late =
                new LakeRow(
                        "id",
                        "shop",
                        Instant.parse("2026-11-21T23:59:00Z").toEpochMilli(),
                        new byte[0]);
        assertThat(new PartitionPath().getBucketId(late, null))
                .isEqualTo("app_id=shop/dt=2026-11-21/hour=23");
    }
}
