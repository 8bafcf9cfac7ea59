package io.causality.schemas;

import java.util.Arrays;
import java.util.Collections;
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
        return Names.closest(wireName.toLowerCase(Locale.ROOT), BY_WIRE_NAME.keySet())
                .map(BY_WIRE_NAME::get);
    }
}
