package io.causality.contracts;

/** Headers the ingest puts on the records of the events topic. */
public final class EventHeaders {
    /**
     * The version of the event schemas the ingest checked the record against before storing it (say
     * {@code v1}). A record with it needs no second schema check in a job; one without it came from
     * elsewhere and is checked in full.
     */
    public static final String VALIDATED = "causality.validated";

    private EventHeaders() {}
}
