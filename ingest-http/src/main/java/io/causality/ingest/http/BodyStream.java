package io.causality.ingest.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading a request body within the limit, and closing the connection of a refused request without
 * losing its answer. The Vert.x part of body handling; what the bytes mean is {@link
 * RequestBody}'s.
 */
final class BodyStream {
    private static final Logger LOG = LoggerFactory.getLogger(BodyStream.class);

    /** How long a refused request's remaining body is drained before its connection closes. */
    static final long LINGER_MILLIS = 2_000;

    private BodyStream() {}

    /**
     * Reads the (paused) request's body and hands it to {@code onBody}; past {@code maxBytes} calls
     * {@code onTooLarge} once instead and drops the rest. Nothing is called once {@code answered}
     * is true (the request was answered meanwhile, or broke off).
     *
     * @param onBrokenOff called when the client went away mid-body
     */
    static void read(
            HttpServerRequest req,
            String requestId,
            long maxBytes,
            BooleanSupplier answered,
            Runnable onTooLarge,
            Runnable onBrokenOff,
            Consumer<byte[]> onBody) {
        Buffer body = Buffer.buffer();
        req.handler(
                chunk -> {
                    if (answered.getAsBoolean()) {
                        return;
                    }
                    if (body.length() + chunk.length() > maxBytes) {
                        onTooLarge.run();
                        return;
                    }
                    body.appendBuffer(chunk);
                });
        req.exceptionHandler(
                e -> {
                    if (!answered.getAsBoolean()) {
                        LOG.debug("request {} broke off: {}", requestId, e.toString());
                        onBrokenOff.run();
                    }
                });
        req.endHandler(
                v -> {
                    if (!answered.getAsBoolean()) {
                        onBody.accept(body.getBytes());
                    }
                });
        req.resume();
    }

    /**
     * Closes the connection of a refused request, but first reads and drops what the client is
     * still sending, up to {@code cap} bytes and for {@link #LINGER_MILLIS} at most. Closing a
     * socket that holds unread data resets it, and a client still uploading then loses the answer
     * it has not read yet (it sees a reset instead of "413 body_too_large").
     */
    static void closeAfterDraining(Vertx vertx, HttpServerRequest req, long cap) {
        var connection = req.connection();
        if (req.isEnded()) {
            connection.close();
            return;
        }
        long[] drained = {0};
        long timer = vertx.setTimer(LINGER_MILLIS, id -> connection.close());
        req.handler(
                chunk -> {
                    drained[0] += chunk.length();
                    if (drained[0] > cap) {
                        vertx.cancelTimer(timer);
                        connection.close();
                    }
                });
        req.endHandler(
                end -> {
                    vertx.cancelTimer(timer);
                    connection.close();
                });
        req.resume();
    }
}
