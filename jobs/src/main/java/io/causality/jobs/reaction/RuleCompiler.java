package io.causality.jobs.reaction;

import io.causality.rules.json.DeployedRule;
import io.causality.schemas.EventJson;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles each deployed rule version once per TaskManager: the evaluator and the sequence matcher
 * (and their parallel instances) share the result, refusals included, instead of each validating
 * and compiling the same JSON again. Keyed by the record's JSON, so a new version (or a record that
 * differs at all) is compiled anew.
 */
final class RuleCompiler {
    /** Bounds the cache; past it, it starts over (compiling again is only slower). */
    static final int MAX_ENTRIES = 50_000;

    private static final ConcurrentHashMap<String, Object> COMPILED = new ConcurrentHashMap<>();

    /** A record that cannot run, and why. */
    static final class Refused extends Exception {
        final int version;

        Refused(String message, int version) {
            super(message, null, false, false);
            this.version = version;
        }
    }

    private RuleCompiler() {}

    /**
     * @throws Refused with the reason (and the version, 0 if unreadable) for a record that is not a
     *     valid rule
     */
    static CompiledRule compile(String json) throws Refused {
        Object done = COMPILED.get(json);
        if (done == null) {
            done = compileNow(json);
            if (COMPILED.size() >= MAX_ENTRIES) {
                COMPILED.clear();
            }
            COMPILED.putIfAbsent(json, done);
        }
        if (done instanceof Refused r) {
            throw r;
        }
        return (CompiledRule) done;
    }

    private static Object compileNow(String json) {
        int version = 0;
        try {
            DeployedRule deployed = DeployedRule.fromJson(EventJson.mapper().readTree(json));
            version = deployed.version();
            return CompiledRule.of(deployed);
        } catch (Exception | StackOverflowError e) {
            return new Refused(e.getMessage(), version);
        }
    }
}
