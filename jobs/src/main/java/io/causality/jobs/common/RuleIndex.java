package io.causality.jobs.common;

import io.causality.rules.EventSelector;
import io.causality.rules.Rule;
import io.causality.schemas.EventType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The running rules (or detectors), indexed by (app, event kind) so that an event is checked
 * against the rules that could match it and no others: the cost per event does not grow with rules
 * of other apps or types. A rule without apps is filed under every app; a sequence under each kind
 * of event its steps and absence name, a detector under those of its patterns.
 *
 * @param <T> what the job runs for a rule; {@code rule} says which rule it is
 */
public final class RuleIndex<T> {
    private static final String ALL_APPS = "\u0000all";
    private static final String CUSTOM_TYPE = EventType.CUSTOM.wireName();

    /** The rules of one app (or of all apps), by the kind of event they look at. */
    private static final class Bucket<T> {
        final Map<String, Map<String, T>> byType = new HashMap<>();
        final Map<String, Map<String, T>> byCustomName = new HashMap<>();
        final Map<String, T> any = new LinkedHashMap<>();

        Map<String, T> rules(EventSelector s, boolean create) {
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

    private final Map<String, Bucket<T>> byApp = new HashMap<>();
    private final Map<String, T> byName = new HashMap<>();

    /**
     * The candidate lists per app, resolved from the app's bucket and the all-apps bucket when an
     * event of the app first needs them after a change, so that looking up an event is two map
     * reads and allocates nothing. Apps without rules of their own share one view (under {@link
     * #ALL_APPS}), so this holds at most one view per app that has rules, plus one.
     */
    private final Map<String, AppView<T>> views = new HashMap<>();

    private final Function<T, Rule> rule;

    public RuleIndex(Function<T, Rule> rule) {
        this.rule = rule;
    }

    public void put(T running) {
        Rule r = rule.apply(running);
        remove(r.name());
        byName.put(r.name(), running);
        for (String app : apps(r)) {
            Bucket<T> bucket = byApp.computeIfAbsent(app, a -> new Bucket<>());
            for (EventSelector s : r.trigger().selectors()) {
                bucket.rules(s, true).put(r.name(), running);
            }
        }
        views.clear();
    }

    /** The rule that was running under this name, or null. */
    public T remove(String name) {
        T old = byName.remove(name);
        if (old != null) {
            Rule r = rule.apply(old);
            for (String app : apps(r)) {
                Bucket<T> bucket = byApp.get(app);
                for (EventSelector s : r.trigger().selectors()) {
                    bucket.rules(s, false).remove(name);
                    bucket.forget(s);
                }
                if (bucket.isEmpty()) {
                    byApp.remove(app);
                }
            }
            views.clear();
        }
        return old;
    }

    public T get(String name) {
        return byName.get(name);
    }

    /** Every running rule, by name. */
    public java.util.Collection<T> all() {
        return byName.values();
    }

    public int size() {
        return byName.size();
    }

    /** The rules that could match an event of this app, type and (custom) name. */
    public List<T> candidates(String app, String type, String customName) {
        AppView<T> view = views.get(app);
        if (view == null) {
            Bucket<T> own = byApp.get(app);
            String key = own == null ? ALL_APPS : app;
            view = views.get(key);
            if (view == null) {
                view = new AppView<>(own, byApp.get(ALL_APPS));
                views.put(key, view);
            }
        }
        return view.candidates(type, customName);
    }

    /** The rules an app's events are checked against, by kind of event, each list made once. */
    private static final class AppView<T> {
        private final Map<String, List<T>> byType = new HashMap<>();
        private final Map<String, List<T>> byCustomName = new HashMap<>();
        private final List<T> anyOnly;

        AppView(Bucket<T> own, Bucket<T> all) {
            List<Bucket<T>> buckets = new ArrayList<>(2);
            if (own != null) {
                buckets.add(own);
            }
            if (all != null) {
                buckets.add(all);
            }
            List<Map<String, T>> any = new ArrayList<>();
            Set<String> types = new HashSet<>();
            Set<String> customNames = new HashSet<>();
            for (Bucket<T> b : buckets) {
                any.add(b.any);
                types.addAll(b.byType.keySet());
                customNames.addAll(b.byCustomName.keySet());
            }
            anyOnly = merge(any);
            for (String type : types) {
                List<Map<String, T>> parts = new ArrayList<>();
                buckets.forEach(b -> parts.add(b.byType.get(type)));
                parts.addAll(any);
                byType.put(type, merge(parts));
            }
            for (String name : customNames) {
                List<Map<String, T>> parts = new ArrayList<>();
                buckets.forEach(b -> parts.add(b.byType.get(CUSTOM_TYPE)));
                buckets.forEach(b -> parts.add(b.byCustomName.get(name)));
                parts.addAll(any);
                byCustomName.put(name, merge(parts));
            }
        }

        List<T> candidates(String type, String customName) {
            if (customName != null && CUSTOM_TYPE.equals(type)) {
                List<T> named = byCustomName.get(customName);
                if (named != null) {
                    return named;
                }
            }
            return byType.getOrDefault(type, anyOnly);
        }

        /**
         * The rules of all parts, each once: a per-event rule has one kind of event and is in one
         * part, but a sequence that names several kinds (say a custom event by name and "any") is
         * in several.
         */
        private static <T> List<T> merge(List<Map<String, T>> parts) {
            Set<T> out = new LinkedHashSet<>();
            for (Map<String, T> part : parts) {
                if (part != null) {
                    out.addAll(part.values());
                }
            }
            return List.copyOf(out);
        }
    }

    private static List<String> apps(Rule rule) {
        // Each app once: a rule that names one twice must not be filed, or removed, twice.
        return rule.apps().isEmpty()
                ? List.of(ALL_APPS)
                : List.copyOf(new LinkedHashSet<>(rule.apps()));
    }
}
