package io.causality.jobs.reaction;

import io.causality.rules.EventSelector;
import java.util.ArrayList;
import java.util.Collection;
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

    /** app → selector key → rules by name. */
    private final Map<String, Map<String, Map<String, CompiledRule>>> byApp = new HashMap<>();

    private final Map<String, CompiledRule> byName = new HashMap<>();

    void put(CompiledRule rule) {
        remove(rule.name());
        byName.put(rule.name(), rule);
        for (String app : apps(rule)) {
            for (EventSelector s : rule.rule.trigger().selectors()) {
                byApp.computeIfAbsent(app, a -> new HashMap<>())
                        .computeIfAbsent(key(s), k -> new LinkedHashMap<>())
                        .put(rule.name(), rule);
            }
        }
    }

    CompiledRule remove(String name) {
        CompiledRule old = byName.remove(name);
        if (old != null) {
            for (String app : apps(old)) {
                Map<String, Map<String, CompiledRule>> bySelector = byApp.get(app);
                for (EventSelector s : old.rule.trigger().selectors()) {
                    Map<String, CompiledRule> rules = bySelector.get(key(s));
                    rules.remove(name);
                    if (rules.isEmpty()) {
                        bySelector.remove(key(s));
                    }
                }
                if (bySelector.isEmpty()) {
                    byApp.remove(app);
                }
            }
        }
        return old;
    }

    CompiledRule get(String name) {
        return byName.get(name);
    }

    int size() {
        return byName.size();
    }

    Collection<CompiledRule> all() {
        return byName.values();
    }

    /** The rules that could match an event of this app, type and (custom) name. */
    List<CompiledRule> candidates(String app, String type, String customName) {
        List<CompiledRule> out = new ArrayList<>();
        collect(byApp.get(app), type, customName, out);
        collect(byApp.get(ALL_APPS), type, customName, out);
        return out;
    }

    private static void collect(
            Map<String, Map<String, CompiledRule>> bySelector,
            String type,
            String customName,
            List<CompiledRule> out) {
        if (bySelector == null) {
            return;
        }
        add(bySelector.get("t:" + type), out);
        if (customName != null && "custom".equals(type)) {
            add(bySelector.get("c:" + customName), out);
        }
        add(bySelector.get("any"), out);
    }

    private static void add(Map<String, CompiledRule> rules, List<CompiledRule> out) {
        if (rules != null) {
            // A sequence filed under two kinds appears once per lookup.
            for (CompiledRule r : rules.values()) {
                if (!out.contains(r)) {
                    out.add(r);
                }
            }
        }
    }

    private static List<String> apps(CompiledRule rule) {
        return rule.rule.apps().isEmpty() ? List.of(ALL_APPS) : rule.rule.apps();
    }

    private static String key(EventSelector s) {
        return switch (s.kind()) {
            case TYPE -> "t:" + s.name();
            case CUSTOM -> "c:" + s.name();
            case ANY -> "any";
        };
    }
}
