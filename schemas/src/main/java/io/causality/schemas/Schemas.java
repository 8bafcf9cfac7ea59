package io.causality.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Where the JSON Schema files live on the classpath, and how to read them. */
public final class Schemas {
    /** Version 1 of the event model. A breaking change gets a new folder, not an edit. */
    public static final String VERSION = "v1";

    public static final String RESOURCE_ROOT = "io/causality/schemas/" + VERSION + "/";
    public static final String ENVELOPE_RESOURCE = RESOURCE_ROOT + "envelope.json";

    private Schemas() {}

    /** Opens a schema file; fails loudly, since a missing schema is a packaging bug. */
    public static InputStream open(String resource) {
        InputStream in = Schemas.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new UncheckedIOException(
                    new IOException("schema resource not found on the classpath: " + resource));
        }
        return in;
    }
}
