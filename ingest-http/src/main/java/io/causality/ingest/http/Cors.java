package io.causality.ingest.http;

import java.util.List;
import java.util.Set;

/** Cross-origin access for browser SDKs, only for the origins an operator listed. */
public final class Cors {
    static final String ALLOWED_HEADERS =
            "Authorization, Content-Type, Content-Encoding, X-Causality-Timestamp, X-Causality-Signature";
    static final String EXPOSED_HEADERS =
            "X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After";

    private final Set<String> origins;

    public Cors(List<String> allowedOrigins) {
        this.origins = Set.copyOf(allowedOrigins);
    }

    /** A request without an Origin header is not a browser cross-origin request: allowed. */
    public boolean allows(String origin) {
        return origin == null || origins.contains(origin) || origins.contains("*");
    }
}
