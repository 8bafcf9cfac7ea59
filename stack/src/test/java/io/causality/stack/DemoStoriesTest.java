package io.causality.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.rules.Detector;
import io.causality.rules.Rule;
import io.causality.rules.eval.EventPath;
import io.causality.rules.parse.Parser;
import io.causality.schemas.EventValidator;
import io.causality.stack.demo.DemoStories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The demo's stories are valid events that tell the example sequence rules they are named for. */
class DemoStoriesTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void eachStoryIsValidKeyedAsItsExampleRuleAndTimedInOrderUpToNow() throws Exception {
        Map<String, Rule> examples = new HashMap<>();
        try (Stream<Path> files = Files.list(Path.of("../rules/examples"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".rules")).toList()) {
                Parser.parse(f.toString(), Files.readString(f))
                        .rules()
                        .forEach(r -> examples.put(r.name(), r));
            }
        }
        EventValidator validator = new EventValidator();
        List<DemoStories.Story> stories = DemoStories.of("demo-shop", 42, NOW);
        assertThat(stories).hasSize(3);
        for (DemoStories.Story story : stories) {
            if (story.detector()) {
                continue;
            }
            Rule rule = examples.get(story.rule());
            assertThat(rule).as(story.rule()).isNotNull();
            assertThat(rule.trigger()).isInstanceOf(Rule.Sequence.class);
            EventPath key = new EventPath(((Rule.Sequence) rule.trigger()).keyPath());
            String first = key.one(story.events().get(0)).asText();
            assertThat(first).isNotEmpty();
            Instant previous = Instant.MIN;
            for (ObjectNode e : story.events()) {
                assertThat(validator.validate(e)).as("%s", e).isEmpty();
                assertThat(key.one(e).asText()).isEqualTo(first);
                Instant at = Instant.parse(e.get("timestamp").asText());
                assertThat(at).isAfter(previous).isBefore(NOW);
                assertThat(e.get("sent_at").asText()).isEqualTo(NOW.toString());
                previous = at;
            }
        }
        // The errors story: more errors in one instant than its detector's bound.
        DemoStories.Story burst =
                stories.stream().filter(DemoStories.Story::detector).findFirst().orElseThrow();
        Rule detector = examples.get(burst.rule());
        assertThat(detector.trigger()).isInstanceOf(Detector.class);
        var alert = (Detector.Alert.Threshold) ((Detector) detector.trigger()).alert();
        assertThat((double) burst.events().size()).isGreaterThan(alert.bound());
        for (ObjectNode e : burst.events()) {
            assertThat(validator.validate(e)).as("%s", e).isEmpty();
            assertThat(e.get("type").asText()).isEqualTo("error");
            assertThat(e.get("timestamp").asText()).isEqualTo(NOW.toString());
        }
        assertThat(DemoStories.of("demo-shop", 42, NOW).get(0).events().get(0))
                .as("the same seed at the same time tells the same stories")
                .isEqualTo(stories.get(0).events().get(0));
        assertThat(
                        DemoStories.of("demo-shop", 42, NOW.plusSeconds(60))
                                .get(0)
                                .events()
                                .get(0)
                                .get("event_id"))
                .as("later, with new event ids: a rerun with the seed is not a retry")
                .isNotEqualTo(stories.get(0).events().get(0).get("event_id"));
    }
}
