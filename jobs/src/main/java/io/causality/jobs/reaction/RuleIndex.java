package io.causality.jobs.reaction;

import io.causality.rules.EventSelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running rules, indexed by (app, event kind) so that an event is checked against the rules
 * that could match it and no others: the cost per event does not grow with rules of other apps or
 * types. A rule without apps is filed under every app; a sequence under each kind of event its
 * steps and absence name.
 */
final class RuleIndex {
    private static final String ALL_APPS = "\u0000all";

    /** The rules of one app (or of all apps), by the kind of event they look at. */
    private static final class Bucket {
        final Map<String, Map<String, CompiledRule>> byType = new HashMap<>();
        final Map<String, Map<String, CompiledRule>> byCustomName = new HashMap<>();
        final Map<String, CompiledRule> any = new LinkedHashMap<>();

        Map<String, CompiledRule> rules(EventSelector s, boolean create) {
            return switch (s.kind()) {
                case TYPE ->
                        create
                                ? byType.computeIfAbsent(s.name(), k -> new LinkedHashMap<>())
                                : byType.get(s.name());
                case CUSTOM ->
                        create
                                ? byCustomName.computeIfAbsent(s.name(), k -> new LinkedHashMap<>())
                                : byCustomName.get(s.name());
                case ANY -> any;
            };
        }

        void forget(EventSelector s) {
            switch (s.kind()) {
                case TYPE -> byType.computeIfPresent(s.name(), (k, v) -> v.isEmpty() ? null : v);
                case CUSTOM ->
                        byCustomName.computeIfPresent(s.name(), (k, v) -> v.isEmpty() ? null : v);
                case ANY -> {}
            }
        }

        boolean isEmpty() {
            return byType.isEmpty() && byCustomName.isEmpty() && any.isEmpty();
        }
    }

    private final Map<String, Bucket> byApp = new HashMap<>();
    private final Map<String, CompiledRule> byName = new HashMap<>();

    void put(CompiledRule rule) {
        remove(rule.name());
        byName.put(rule.name(), rule);
        for (String app : apps(rule)) {
            Bucket bucket = byApp.computeIfAbsent(app, a -> new Bucket());
            for (EventSelector s : rule.rule.trigger().selectors()) {
                bucket.rules(s, true).put(rule.name(), rule);
            }
        }
    }

    CompiledRule remove(String name) {
        CompiledRule old = byName.remove(name);
        if (old != null) {
            for (String app : apps(old)) {
                Bucket bucket = byApp.get(app);
                for (EventSelector s : old.rule.trigger().selectors()) {
                    bucket.rules(s, false).remove(name);
                    bucket.forget(s);
                }
                if (bucket.isEmpty()) {
                    byApp.remove(app);
                }
            }
        }
        return old;
    }

    int size() {
        return byName.size();
    }

    /** The rules that could match an event of this app, type and (custom) name. */
    List<CompiledRule> candidates(String app, String type, String customName) {
        List<CompiledRule> out = new ArrayList<>();
        collect(byApp.get(app), type, customName, out);
        collect(byApp.get(ALL_APPS), type, customName, out);
        return out;
    }

    private static void collect(
            Bucket bucket, String type, String customName, List<CompiledRule> out) {
        if (bucket == null) {
            return;
        }
        add(bucket.byType.get(type), out);
        if (customName != null && "custom".equals(type)) {
            add(bucket.byCustomName.get(customName), out);
        }
        add(bucket.any, out);
    }

    private static void add(Map<String, CompiledRule> rules, List<CompiledRule> out) {
        if (rules == null) {
            return;
        }
        for (CompiledRule r : rules.values()) {
            // A per-event rule has one kind of event, so it is found once; only a sequence that
            // names several kinds (say a custom event by name and "any") can be found twice.
            if (!r.isSequence() || !out.contains(r)) {
                out.add(r);
            }
        }
    }

    private static List<String> apps(CompiledRule rule) {
        return rule.rule.apps().isEmpty() ? List.of(ALL_APPS) : rule.rule.apps();
    }
}
