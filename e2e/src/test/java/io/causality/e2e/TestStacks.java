package io.causality.e2e;

import io.causality.processes.StackLayout;
import io.causality.stack.LocalStack;
import io.causality.stack.StackConfig;
import io.causality.testing.FreePorts;
import java.nio.file.Path;
import java.util.UUID;

/** A local stack of the tests' own: free ports, its home under e2e/target/it. */
final class TestStacks {
    private TestStacks() {}

    static LocalStack create(String name) {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path home =
                root.resolve(
                        "e2e/target/it/"
                                + name
                                + "-"
                                + UUID.randomUUID().toString().substring(0, 8));
        StackConfig config =
                new StackConfig(
                        FreePorts.next(),
                        FreePorts.next(),
                        FreePorts.next(),
                        FreePorts.next(),
                        FreePorts.next(),
                        FreePorts.next(),
                        true,
                        FreePorts.next(),
                        FreePorts.next(),
                        FreePorts.next());
        return new LocalStack(root, new StackLayout(home), config, System.out);
    }
}
