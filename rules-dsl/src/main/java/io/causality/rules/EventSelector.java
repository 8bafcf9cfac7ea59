package io.causality.rules;

import java.util.Objects;

/**
 * Which events a pattern looks at: one built-in type ({@code purchase_complete}), custom events of
 * one name ({@code custom "video_played"}), all custom events ({@code custom}) or any event.
 *
 * @param name the type's wire name for TYPE, the custom event's name for CUSTOM, null for ANY
 */
public record EventSelector(Kind kind, String name) {
    public enum Kind {
        TYPE,
        CUSTOM,
        ANY
    }

    public static final EventSelector ANY_EVENT = new EventSelector(Kind.ANY, null);

    public EventSelector {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.ANY) != (name == null)) {
            throw new IllegalArgumentException(
                    kind + " selector " + (name == null ? "needs a name" : "takes no name"));
        }
    }

    public static EventSelector type(String wireName) {
        return new EventSelector(Kind.TYPE, wireName);
    }

    public static EventSelector custom(String eventName) {
        return new EventSelector(Kind.CUSTOM, eventName);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case TYPE -> name;
            case CUSTOM -> "custom \"" + name + "\"";
            case ANY -> "any";
        };
    }
}
