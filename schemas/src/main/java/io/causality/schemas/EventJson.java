package io.causality.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * The one Jackson configuration for events. Parsing limits live here so that every reader of events
 * (the ingest, the jobs) refuses the same hostile input the same way.
 */
public final class EventJson {
    /** Deeper JSON than this is refused: no legitimate event nests further. */
    public static final int MAX_NESTING_DEPTH = 32;

    /** Longest number literal accepted; longer ones are a denial-of-service vector. */
    public static final int MAX_NUMBER_LENGTH = 64;

    private static final ObjectMapper MAPPER = newMapper(MAX_NESTING_DEPTH, 4 * 1024 * 1024);

    /**
     * Reads trees without resolving the target type per call, as {@code mapper().readTree} does.
     */
    private static final ObjectReader TREE_READER = MAPPER.readerFor(JsonNode.class);

    private EventJson() {}

    /** One event (or any JSON) as a tree, with the shared mapper's limits: for hot paths. */
    public static JsonNode readTree(byte[] json) throws IOException {
        return TREE_READER.readTree(json);
    }

    /** The shared mapper: thread-safe, configured for events. Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * A mapper with the given parsing limits.
     *
     * @param maxDepth deepest nesting of objects and arrays accepted
     * @param maxStringLength longest string value accepted, in characters
     */
    public static ObjectMapper newMapper(int maxDepth, int maxStringLength) {
        JsonFactory factory =
                JsonFactory.builder()
                        .streamReadConstraints(
                                StreamReadConstraints.builder()
                                        .maxNestingDepth(maxDepth)
                                        .maxNumberLength(MAX_NUMBER_LENGTH)
                                        .maxStringLength(maxStringLength)
                                        .build())
                        .build();
        return new ObjectMapper(factory)
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public static Event read(byte[] json) throws IOException {
        return MAPPER.readValue(json, Event.class);
    }

    public static byte[] write(Event event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            // An Event is made of JSON-safe types only; failing here is a bug, not bad input.
            throw new IllegalStateException("could not serialise event " + event.eventId(), e);
        }
    }
}
