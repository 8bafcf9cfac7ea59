package io.causality.ingest.http;

import java.util.function.LongSupplier;
import org.apache.logging.log4j.CloseableThreadContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per answered request, its fields in the log's context: request id, endpoint,
 * status, events accepted and refused, duration and, once known, key id and app. 5xx answers are
 * logged at WARN, at most {@link #WARN_PER_SECOND} a second (the lines over it at DEBUG, and the
 * next WARN line says how many were held back); all others at DEBUG, so that bad input sent in a
 * loop costs no disk.
 */
final class AccessLog {
    static final int WARN_PER_SECOND = 5;
    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

    /** What is logged of one answered request. */
    record Entry(
            String requestId,
            String endpoint,
            int status,
            String errorCode,
            int accepted,
            int rejected,
            long durationMillis,
            String keyId,
            String appId) {}

    /** How a line is written: at WARN, at DEBUG, or not at all (DEBUG is off). */
    enum Level {
        WARN,
        DEBUG,
        NONE
    }

    /**
     * @param heldBack for a WARN line, how many 5xx lines went below WARN since the last one
     */
    record Decision(Level level, long heldBack) {}

    private final LogThrottle warnings;

    AccessLog(LongSupplier millis) {
        this.warnings = new LogThrottle(WARN_PER_SECOND, millis);
    }

    /** The level of an answer's line; a 5xx counts against the warning budget. */
    Decision decide(int status) {
        if (status >= 500) {
            long n = warnings.tryAcquire();
            if (n >= 0) {
                return new Decision(Level.WARN, n);
            }
        }
        return new Decision(LOG.isDebugEnabled() ? Level.DEBUG : Level.NONE, 0);
    }

    void log(Entry e) {
        Decision decision = decide(e.status());
        if (decision.level() == Level.NONE) {
            return;
        }
        try (CloseableThreadContext.Instance ctx =
                CloseableThreadContext.put("request_id", e.requestId())
                        .put("endpoint", e.endpoint())
                        .put("status", Integer.toString(e.status()))
                        .put("accepted", Integer.toString(e.accepted()))
                        .put("rejected", Integer.toString(e.rejected()))
                        .put("duration_ms", Long.toString(e.durationMillis()))) {
            if (e.keyId() != null) {
                ctx.put("key_id", e.keyId()).put("app_id", e.appId());
            }
            String code = e.errorCode() == null ? "" : e.errorCode();
            if (decision.level() == Level.WARN) {
                if (decision.heldBack() > 0) {
                    LOG.warn(
                            "request answered {} {} ({} more 5xx answers not logged at WARN before it)",
                            e.status(),
                            code,
                            decision.heldBack());
                } else {
                    LOG.warn("request answered {} {}", e.status(), code);
                }
            } else {
                LOG.debug("request answered {} {}", e.status(), code);
            }
        }
    }
}
