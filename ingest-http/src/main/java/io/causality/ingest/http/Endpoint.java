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
    SEGMENT_BATCH("/v1/batch", Api.SEGMENT, null, true),
    // Other paths Segment's libraries post to: analytics-ruby and analytics-java /v1/import,
    // analytics-swift, analytics-kotlin and React Native /v1/b, analytics.js the one-letter
    // single calls.
    SEGMENT_IMPORT("/v1/import", Api.SEGMENT, null, true),
    SEGMENT_B("/v1/b", Api.SEGMENT, null, true),
    TRACK_T("/v1/t", Api.SEGMENT, "track", false),
    PAGE_P("/v1/p", Api.SEGMENT, "page", false),
    SCREEN_S("/v1/s", Api.SEGMENT, "screen", false),
    IDENTIFY_I("/v1/i", Api.SEGMENT, "identify", false),
    GROUP_G("/v1/g", Api.SEGMENT, "group", false),
    ALIAS_A("/v1/a", Api.SEGMENT, "alias", false);

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

    /** The endpoint of a path; one trailing slash is ignored ({@code /v1/import/}). */
    public static Endpoint forPath(String path) {
        Endpoint e = BY_PATH.get(path);
        if (e == null && path.length() > 1 && path.endsWith("/")) {
            e = BY_PATH.get(path.substring(0, path.length() - 1));
        }
        return e;
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
