package io.causality.e2e;

import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands every test class that asks for a {@link Pipeline} the same one, started on first use and
 * closed when the run ends. Tests that break the pipeline on purpose start their own.
 */
final class SharedPipeline implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext param, ExtensionContext context) {
        return param.getParameter().getType() == Pipeline.class;
    }

    @Override
    public Object resolveParameter(ParameterContext param, ExtensionContext context) {
        return context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(
                        "pipeline",
                        k -> {
                            try {
                                Pipeline p = Pipeline.start("shared");
                                p.startIngest(Map.of());
                                return new Holder(p);
                            } catch (Exception e) {
                                throw new IllegalStateException("could not start the pipeline", e);
                            }
                        },
                        Holder.class)
                .pipeline();
    }

    /** Closes the pipeline when JUnit closes the root store. */
    record Holder(Pipeline pipeline) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Exception {
            pipeline.close();
        }
    }
}
