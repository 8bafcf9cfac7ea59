package io.causality.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.contracts.Topics;
import io.causality.rules.json.DeployedRule;
import io.causality.rules.topic.RuleTopic;
import io.causality.stack.rules.RulesCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code causality rules deploy | list | delete} against the real broker: versions go up only when
 * a rule changes, pruning and delete write tombstones, and a file with an error publishes nothing
 * at all.
 */
@ExtendWith(SharedPipeline.class)
class RulesDeployIT {
    private static RuleTopic topic;

    @TempDir Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final RulesCommand command =
            new RulesCommand(
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));

    @BeforeAll
    static void setUp(Pipeline p) {
        topic = new RuleTopic(p.kafka.bootstrapServers(), Topics.RULES);
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static String rule(String name, int threshold) {
        return "rule \""
                + name
                + "\" on purchase_complete where $.properties.total >= "
                + threshold
                + " then emit \"t\" end\n";
    }

    @Test
    void versionsGoUpOnlyWithChangesAndPruneAndDeleteRemoveRules() throws Exception {
        Path f = file("a.rules", rule("it-a", 100) + rule("it-b", 200) + rule("it-c", 300));
        assertThat(command.deploy(List.of(f), false, topic)).isZero();
        assertThat(versions())
                .containsEntry("it-a", 1)
                .containsEntry("it-b", 1)
                .containsEntry("it-c", 1);

        // The same files again publish nothing; a changed rule gets version 2.
        assertThat(command.deploy(List.of(f), false, topic)).isZero();
        assertThat(out.toString()).contains("nothing to publish");
        Path g = file("a.rules", rule("it-a", 100) + rule("it-b", 250));
        assertThat(command.deploy(List.of(g), true, topic)).isZero();
        assertThat(versions())
                .containsEntry("it-a", 1)
                .containsEntry("it-b", 2)
                .doesNotContainKey("it-c");
        DeployedRule b = topic.read(Duration.ofSeconds(30)).rules().get("it-b");
        assertThat(b.source()).endsWith("a.rules:2");

        assertThat(command.delete("it-a", topic)).isZero();
        assertThat(versions()).doesNotContainKey("it-a").containsKey("it-b");
        assertThat(command.delete("it-a", topic)).isEqualTo(1);
        assertThat(err.toString()).contains("no deployed rule is named 'it-a'");
    }

    @Test
    void aFileWithAnErrorPublishesNothing() throws Exception {
        Path good = file("good.rules", rule("it-good", 1));
        Path bad = file("bad.rules", "rule \"it-bad\" on purchase_completed then emit \"t\" end\n");
        assertThat(command.deploy(List.of(good, bad), false, topic)).isEqualTo(1);
        assertThat(err.toString())
                .contains("bad.rules:1:")
                .contains("did you mean 'purchase_complete'?")
                .contains("nothing deployed");
        assertThat(versions()).doesNotContainKeys("it-good", "it-bad");
    }

    private static java.util.Map<String, Integer> versions() {
        java.util.Map<String, Integer> v = new java.util.TreeMap<>();
        topic.read(Duration.ofSeconds(30)).rules().forEach((k, r) -> v.put(k, r.version()));
        return v;
    }
}
