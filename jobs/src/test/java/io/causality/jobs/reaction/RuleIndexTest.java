package io.causality.jobs.reaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.rules.json.DeployedRule;
import io.causality.rules.parse.Parser;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RuleIndexTest {
    private static ActiveRule rule(String text) throws Exception {
        return new ActiveRule(
                CompiledRule.of(
                        new DeployedRule(
                                Parser.parse("t", text).rules().get(0), 1, Instant.EPOCH, "t:1")),
                RuleLimits.DEFAULT);
    }

    @Test
    void findsTheRulesOfTheAppAndOfAllAppsByKindOfEventAndForgetsRemovedOnes() throws Exception {
        RuleIndex index = new RuleIndex();
        index.put(
                rule(
                        "rule \"shop-buy\" for app \"shop\" on purchase_complete then emit \"t\" end"));
        index.put(rule("rule \"all-buy\" on purchase_complete then emit \"t\" end"));
        index.put(
                rule(
                        "rule \"news-buy\" for app \"news\" on purchase_complete then emit \"t\" end"));
        index.put(rule("rule \"video\" on custom \"video_played\" then emit \"t\" end"));
        index.put(rule("rule \"every\" for app \"shop\" on any then emit \"t\" end"));
        index.put(
                rule(
                        "rule \"seq\" sequence by $.user_id within 1m custom \"video_played\""
                                + " followed by any then emit \"t\" end"));

        assertThat(index.candidates("shop", "purchase_complete", null))
                .extracting(ActiveRule::name)
                .containsExactlyInAnyOrder("shop-buy", "every", "all-buy", "seq");
        assertThat(index.candidates("shop", "custom", "video_played"))
                .extracting(ActiveRule::name)
                .containsExactlyInAnyOrder("every", "video", "seq");
        assertThat(index.candidates("other", "app_open", null))
                .extracting(ActiveRule::name)
                .containsExactly("seq");

        // A change reaches apps whose candidates were already looked up, with or without rules.
        index.put(rule("rule \"other-open\" for app \"other\" on app_open then emit \"t\" end"));
        index.put(rule("rule \"all-open\" on app_open then emit \"t\" end"));
        assertThat(index.candidates("other", "app_open", null))
                .extracting(ActiveRule::name)
                .containsExactlyInAnyOrder("other-open", "all-open", "seq");
        assertThat(index.candidates("third", "app_open", null))
                .extracting(ActiveRule::name)
                .containsExactlyInAnyOrder("all-open", "seq");
        index.remove("other-open");
        index.remove("all-open");
        assertThat(index.candidates("other", "app_open", null))
                .extracting(ActiveRule::name)
                .containsExactly("seq");

        index.remove("all-buy");
        index.remove("seq");
        assertThat(index.candidates("news", "purchase_complete", null))
                .extracting(ActiveRule::name)
                .containsExactly("news-buy");
        assertThat(index.size()).isEqualTo(4);
    }
}
