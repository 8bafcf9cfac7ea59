package io.causality.schemas;

/**
 * One thing wrong with an event.
 *
 * @param code a stable, machine-readable code from {@link ErrorCodes}
 * @param path JSON path of the offending value, e.g. {@code $.properties.total}
 * @param message what is wrong and what to send instead, for a human
 */
public record Violation(String code, String path, String message) {}
