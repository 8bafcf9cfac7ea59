package io.causality.schemas;

/**
 * Stable error codes for problems with an event. Clients may switch on them, so a code is never
 * renamed; new codes may be added.
 */
public final class ErrorCodes {
    public static final String MISSING_FIELD = "missing_field";
    public static final String WRONG_TYPE = "wrong_type";
    public static final String UNKNOWN_FIELD = "unknown_field";
    public static final String TOO_LONG = "too_long";
    public static final String TOO_SHORT = "too_short";
    public static final String OUT_OF_RANGE = "out_of_range";
    public static final String INVALID_VALUE = "invalid_value";
    public static final String INVALID_FORMAT = "invalid_format";
    public static final String UNKNOWN_EVENT_TYPE = "unknown_event_type";
    public static final String MISSING_IDENTITY = "missing_identity";
    public static final String NOT_AN_OBJECT = "not_an_object";
    public static final String EVENT_TOO_LARGE = "event_too_large";
    public static final String INVALID_EVENT = "invalid_event";

    /**
     * A number the lake cannot keep as sent: not finite, too small to be told from zero, or a whole
     * number beyond 64 bits where the column is a long.
     */
    public static final String NUMBER_OUT_OF_RANGE = "number_out_of_range";

    /** A string or field name that is not valid Unicode (a lone surrogate such as \ud800). */
    public static final String INVALID_UNICODE = "invalid_unicode";

    /** Nested deeper than every reader of events accepts. */
    public static final String TOO_DEEP = "too_deep";

    /** An event time too far ahead of the time it was received. */
    public static final String TIMESTAMP_IN_FUTURE = "timestamp_in_future";

    private ErrorCodes() {}

    /** Maps a JSON Schema keyword that failed to the code we report. */
    static String forKeyword(String keyword) {
        return switch (keyword) {
            case "required" -> MISSING_FIELD;
            case "type" -> WRONG_TYPE;
            case "additionalProperties", "unevaluatedProperties" -> UNKNOWN_FIELD;
            case "maxLength", "maxItems", "maxProperties" -> TOO_LONG;
            case "minLength", "minItems", "minProperties" -> TOO_SHORT;
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" -> OUT_OF_RANGE;
            case "enum", "const" -> INVALID_VALUE;
            case "format", "pattern" -> INVALID_FORMAT;
            default -> INVALID_EVENT;
        };
    }
}
