package io.causality.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.ingest.segment.SegmentMapper;
import io.causality.schemas.EventType;
import io.causality.schemas.EventValidator;
import io.causality.stack.demo.DemoTraffic;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoTrafficTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private final EventValidator validator = new EventValidator();
    private final SegmentMapper segment = new SegmentMapper();

    @Test
    void validEventsAreValidInvalidOnesAreNotAndEveryTypeAppears() {
        List<DemoTraffic.DemoEvent> events =
                new DemoTraffic(42, List.of("a", "b"), 0.1, NOW).generate(2000);
        Set<String> types = new HashSet<>();
        int invalid = 0;
        for (DemoTraffic.DemoEvent e : events) {
            var event = e.segment() ? segment.map(e.body(), null, e.app()).event() : e.body();
            boolean valid = validator.validate(event).isEmpty();
            assertThat(valid).as("%s", e.body()).isEqualTo(e.valid());
            if (valid) {
                types.add(event.get("type").asText());
            } else {
                invalid++;
            }
        }
        assertThat(types).hasSize(EventType.values().length);
        assertThat(invalid).isBetween(120, 280);
        assertThat(events.stream().filter(DemoTraffic.DemoEvent::segment).count())
                .isGreaterThan(300);
    }

    @Test
    void sameSeedSameTraffic() {
        var a = new DemoTraffic(7, List.of("a"), 0.05, NOW).generate(50);
        var b = new DemoTraffic(7, List.of("a"), 0.05, NOW).generate(50);
        assertThat(a).isEqualTo(b);
    }
}
