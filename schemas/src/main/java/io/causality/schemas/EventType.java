package io.causality.schemas;

import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The built-in event types. Each has a JSON Schema of its {@code properties} at {@code
 * io/causality/schemas/v1/types/<wire name>.json}; {@code EventTypeTest} fails when the two lists
 * drift apart.
 */
public enum EventType {
    APP_INSTALL(EventFamily.LIFECYCLE),
    APP_OPEN(EventFamily.LIFECYCLE),
    APP_BACKGROUND(EventFamily.LIFECYCLE),
    APP_CRASH(EventFamily.LIFECYCLE),
    USER_SIGNUP(EventFamily.USER),
    USER_LOGIN(EventFamily.USER),
    LOGIN_FAILED(EventFamily.USER),
    USER_LOGOUT(EventFamily.USER),
    IDENTIFY(EventFamily.USER),
    GROUP(EventFamily.USER),
    ALIAS(EventFamily.USER),
    SCREEN_VIEW(EventFamily.NAVIGATION),
    PAGE_VIEW(EventFamily.NAVIGATION),
    DEEP_LINK_OPEN(EventFamily.NAVIGATION),
    BUTTON_TAP(EventFamily.INTERACTION),
    FORM_SUBMIT(EventFamily.INTERACTION),
    SEARCH(EventFamily.INTERACTION),
    PRODUCT_VIEW(EventFamily.COMMERCE),
    PRODUCT_LIST_VIEW(EventFamily.COMMERCE),
    CART_ADD(EventFamily.COMMERCE),
    CART_REMOVE(EventFamily.COMMERCE),
    CHECKOUT_START(EventFamily.COMMERCE),
    PURCHASE_COMPLETE(EventFamily.COMMERCE),
    REFUND(EventFamily.COMMERCE),
    SHARE(EventFamily.ENGAGEMENT),
    RATING(EventFamily.ENGAGEMENT),
    NOTIFICATION_RECEIVED(EventFamily.ENGAGEMENT),
    NOTIFICATION_OPEN(EventFamily.ENGAGEMENT),
    ERROR(EventFamily.SYSTEM),
    PERFORMANCE(EventFamily.SYSTEM),
    CUSTOM(EventFamily.CUSTOM);

    private static final Map<String, EventType> BY_WIRE_NAME =
            Collections.unmodifiableMap(
                    Arrays.stream(values())
                            .collect(Collectors.toMap(EventType::wireName, Function.identity())));

    private final EventFamily family;
    private final String wireName;

    EventType(EventFamily family) {
        this.family = family;
        this.wireName = name().toLowerCase(Locale.ROOT);
    }

    /** The name used in JSON, in Kafka and in the lake, e.g. {@code purchase_complete}. */
    public String wireName() {
        return wireName;
    }

    public EventFamily family() {
        return family;
    }

    /** Classpath location of the JSON Schema of this type's {@code properties}. */
    public String schemaResource() {
        return Schemas.RESOURCE_ROOT + "types/" + wireName + ".json";
    }

    public static Optional<EventType> fromWireName(String wireName) {
        return Optional.ofNullable(BY_WIRE_NAME.get(wireName));
    }

    /** The known type closest to a misspelt one, for "did you mean" hints. */
    public static Optional<EventType> closestTo(String wireName) {
        String needle = wireName.toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .min(Comparator.comparingInt(t -> editDistance(needle, t.wireName)))
                .filter(t -> editDistance(needle, t.wireName) <= Math.max(2, needle.length() / 3));
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
