package io.causality.processes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Configuration files shipped with a module and written into the stack's folder. */
public final class StackResources {
    private StackResources() {}

    /** Copies the resource next to this class. */
    static Path copy(String name, Path dir) throws IOException {
        return copy(StackResources.class, name, dir);
    }

    /** Copies the resource next to {@code anchor} into the folder; returns where. */
    public static Path copy(Class<?> anchor, String name, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(name);
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " missing from the stack jar");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
