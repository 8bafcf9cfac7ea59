package io.causality.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.rules.Rule;
import io.causality.rules.parse.Parser;
import org.junit.jupiter.api.Test;

class RuleIndexTest {
    private static Rule rule(String text) throws Exception {
        return Parser.parse("t", text).rules().get(0);
    }

    @Test
    void findsTheRulesOfTheAppAndOfAllAppsByKindOfEventAndForgetsRemovedOnes() throws Exception {
        RuleIndex<Rule> index = new RuleIndex<>(r -> r);
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
                .extracting(Rule::name)
                .containsExactlyInAnyOrder("shop-buy", "every", "all-buy", "seq");
        assertThat(index.candidates("shop", "custom", "video_played"))
                .extracting(Rule::name)
                .containsExactlyInAnyOrder("every", "video", "seq");
        assertThat(index.candidates("other", "app_open", null))
                .extracting(Rule::name)
                .containsExactly("seq");

        // A change reaches apps whose candidates were already looked up, with or without rules.
        index.put(rule("rule \"other-open\" for app \"other\" on app_open then emit \"t\" end"));
        index.put(rule("rule \"all-open\" on app_open then emit \"t\" end"));
        assertThat(index.candidates("other", "app_open", null))
                .extracting(Rule::name)
                .containsExactlyInAnyOrder("other-open", "all-open", "seq");
        assertThat(index.candidates("third", "app_open", null))
                .extracting(Rule::name)
                .containsExactlyInAnyOrder("all-open", "seq");
        index.remove("other-open");
        index.remove("all-open");
        assertThat(index.candidates("other", "app_open", null))
                .extracting(Rule::name)
                .containsExactly("seq");

        index.remove("all-buy");
        index.remove("seq");
        assertThat(index.candidates("news", "purchase_complete", null))
                .extracting(Rule::name)
                .containsExactly("news-buy");
        assertThat(index.size()).isEqualTo(4);
    }

    @Test
    void filesADetectorUnderEachKindOfEventItsMeasureReads() throws Exception {
        RuleIndex<Rule> index = new RuleIndex<>(r -> r);
        index.put(
                rule(
                        "detector \"conversion\" for app \"shop\" measure ratio of purchase_complete"
                                + " to custom \"checkout\" window 1h alert when below 0.1"
                                + " then emit \"t\" end"));
        assertThat(index.candidates("shop", "purchase_complete", null))
                .extracting(Rule::name)
                .containsExactly("conversion");
        assertThat(index.candidates("shop", "custom", "checkout"))
                .extracting(Rule::name)
                .containsExactly("conversion");
        assertThat(index.candidates("shop", "app_open", null)).isEmpty();
        assertThat(index.candidates("news", "purchase_complete", null)).isEmpty();
        assertThat(index.get("conversion")).isNotNull();
        assertThat(index.all()).hasSize(1);
    }

    @Test
    void aRuleThatNamesAnAppTwiceIsReplacedAndRemovedCleanly() throws Exception {
        RuleIndex<Rule> index = new RuleIndex<>(r -> r);
        index.put(
                rule("rule \"twice\" for app \"shop\", \"shop\" on app_open then emit \"t\" end"));
        assertThat(index.candidates("shop", "app_open", null))
                .extracting(Rule::name)
                .containsExactly("twice");
        index.put(
                rule("rule \"twice\" for app \"shop\", \"shop\" on app_open then emit \"u\" end"));
        assertThat(index.remove("twice")).isNotNull();
        assertThat(index.candidates("shop", "app_open", null)).isEmpty();
    }
}
