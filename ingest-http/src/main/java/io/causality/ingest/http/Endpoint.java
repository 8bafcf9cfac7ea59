package io.causality.ingest.http;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The event-taking endpoints: the native API and Segment's HTTP Tracking API. */
public enum Endpoint {
    EVENT("/v1/events", Api.NATIVE, null, false),
    EVENT_BATCH("/v1/events/batch", Api.NATIVE, null, true),
    TRACK("/v1/track", Api.SEGMENT, "track", false),
    PAGE("/v1/page", Api.SEGMENT, "page", false),
    SCREEN("/v1/screen", Api.SEGMENT, "screen", false),
    IDENTIFY("/v1/identify", Api.SEGMENT, "identify", false),
    GROUP("/v1/group", Api.SEGMENT, "group", false),
    ALIAS("/v1/alias", Api.SEGMENT, "alias", false),
    SEGMENT_BATCH("/v1/batch", Api.SEGMENT, null, true);

    /** Which wire format an endpoint speaks. */
    public enum Api {
        NATIVE,
        SEGMENT;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Map<String, Endpoint> BY_PATH =
            Arrays.stream(values()).collect(Collectors.toMap(e -> e.path, Function.identity()));

    private final String path;
    private final Api api;
    private final String segmentCall;
    private final boolean batch;

    Endpoint(String path, Api api, String segmentCall, boolean batch) {
        this.path = path;
        this.api = api;
        this.segmentCall = segmentCall;
        this.batch = batch;
    }

    public static Endpoint forPath(String path) {
        return BY_PATH.get(path);
    }

    public String path() {
        return path;
    }

    public Api api() {
        return api;
    }

    /** For Segment single-call endpoints, the call type; null otherwise. */
    public String segmentCall() {
        return segmentCall;
    }

    public boolean batch() {
        return batch;
    }
}
