package io.causality.jobs.reaction;

import io.causality.rules.json.RuleStatus;

/**
 * A compiled rule as one operator instance runs it: the shared compiled form, and this instance's
 * own record of how it has been failing (rules are suspended per instance, each on its own errors).
 */
final class ActiveRule {
    final CompiledRule compiled;
    final RuleHealth health;

    /** Why the rule is suspended here, or null while it runs. */
    RuleStatus suspension;

    ActiveRule(CompiledRule compiled, RuleLimits limits) {
        this.compiled = compiled;
        this.health =
                new RuleHealth(limits.suspendAfterErrors(), limits.suspendWindow().toMillis());
    }

    String name() {
        return compiled.name();
    }

    int version() {
        return compiled.version();
    }

    boolean suspended() {
        return suspension != null;
    }
}
