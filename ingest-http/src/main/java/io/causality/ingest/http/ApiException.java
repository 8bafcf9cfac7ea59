package io.causality.ingest.http;

/** A request refused as a whole, with the message the client will read. */
public final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ApiError error;

    public ApiException(ApiError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
