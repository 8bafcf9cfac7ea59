package io.causality.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    @Test
    void agreesWithJavaTimeOnRandomInstantsOffsetsAndFractions() {
        Random random = new Random(1);
        DateTimeFormatter[] shapes = {
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX"),
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SXXX"),
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX"),
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX"),
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX")
        };
        for (int i = 0; i < 20_000; i++) {
            Instant instant =
                    Instant.ofEpochSecond(
                            random.nextLong(-2_000_000_000L, 8_000_000_000L),
                            random.nextInt(1_000_000_000));
            ZoneOffset offset =
                    ZoneOffset.ofTotalSeconds((random.nextInt(-18 * 4, 18 * 4 + 1)) * 900);
            String text =
                    OffsetDateTime.ofInstant(instant, offset).format(shapes[i % shapes.length]);
            Instant expected =
                    OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MILLIS);
            assertThat(Timestamps.parseCommon(text)).as(text).isEqualTo(expected);
            assertThat(Timestamps.format(expected)).as(text).isEqualTo(expected.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-22T10:00:00Z",
                "2026-11-22t10:00:00z",
                "2024-02-29T23:59:59.999+14:00",
                "1970-01-01T00:00:00-00:30"
            })
    void commonShapesTakeTheFastPath(String text) {
        assertThat(Timestamps.parseCommon(text))
                .isEqualTo(OffsetDateTime.parse(text.toUpperCase()).toInstant());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-02-30T10:00:00Z",
                "2026-11-22T24:00:00Z",
                "2026-11-22T10:00:00",
                "2026-11-22T10:00:00.Z",
                "2026-11-22T10:00:00+0100",
                "2026-11-22T10:00:00.1234567891Z",
                "2026-13-01T00:00:00Z",
                "yesterday at noon!!"
            })
    void unusualOrInvalidShapesAreLeftToJavaTime(String text) {
        assertThat(Timestamps.parseCommon(text)).isNull();
    }

    @Test
    void parseFallsBackToJavaTimeAndFormatMatchesInstantToString() {
        assertThat(Timestamps.parse("2026-11-22T10:00:00.5+01:00"))
                .isEqualTo(Instant.parse("2026-11-22T09:00:00.500Z"));
        assertThat(Timestamps.format(Instant.parse("2026-11-22T10:00:00Z")))
                .isEqualTo("2026-11-22T10:00:00Z");
        assertThat(Timestamps.format(Instant.parse("2026-11-22T10:00:00.120Z")))
                .isEqualTo("2026-11-22T10:00:00.120Z");
        assertThat(Timestamps.format(Instant.parse("+12026-01-01T00:00:00Z")))
                .isEqualTo("+12026-01-01T00:00:00Z");
    }

    @Test
    void aLeapSecondIsTheLastMillisecondBeforeIt() {
        org.assertj.core.api.Assertions.assertThat(Timestamps.parse("2016-12-31T23:59:60Z"))
                .isEqualTo(java.time.Instant.parse("2016-12-31T23:59:59.999Z"));
        org.assertj.core.api.Assertions.assertThat(Timestamps.parse("2017-01-01T05:29:60.5+05:30"))
                .isEqualTo(java.time.Instant.parse("2016-12-31T23:59:59.999Z"));
    }
}
