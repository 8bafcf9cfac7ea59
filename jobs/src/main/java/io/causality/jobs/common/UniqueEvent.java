package io.causality.jobs.common;

/** An event as far as deduplication cares: whose it is and its id. */
public interface UniqueEvent {
    String appId();

    String eventId();

    /**
     * The key events are deduplicated by: the app and the event id, never the id alone, so that no
     * tenant can suppress another's events with an id of its own. App ids cannot hold '/'.
     */
    static String key(String appId, String eventId) {
        return appId + "/" + eventId;
    }
}
