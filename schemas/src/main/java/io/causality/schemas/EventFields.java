package io.causality.schemas;

/** Names of the envelope's fields on the wire, as {@code v1/envelope.json} spells them. */
public final class EventFields {
    public static final String EVENT_ID = "event_id";
    public static final String APP_ID = "app_id";
    public static final String TYPE = "type";
    public static final String NAME = "name";
    public static final String USER_ID = "user_id";
    public static final String ANONYMOUS_ID = "anonymous_id";
    public static final String SESSION_ID = "session_id";
    public static final String SENT_AT = "sent_at";
    public static final String TIMESTAMP = "timestamp";
    public static final String ORIGINAL_TIMESTAMP = "original_timestamp";
    public static final String RECEIVED_AT = "received_at";
    public static final String CONTEXT = "context";
    public static final String PROPERTIES = "properties";

    /** Fields inside {@code context} that the ingest fills in. */
    public static final String CONTEXT_IP = "ip";

    public static final String CONTEXT_USER_AGENT = "user_agent";
    public static final String CONTEXT_SOURCE = "source";

    /** What an app id may be: the key store issues keys for such ids, rules name them. */
    public static final java.util.regex.Pattern APP_ID_PATTERN =
            java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public static final String APP_ID_RULE =
            "app id must be 1-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit";

    private EventFields() {}
}
