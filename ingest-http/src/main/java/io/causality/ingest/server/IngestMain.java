package io.causality.ingest.server;

import io.causality.ingest.ConfigException;
import io.causality.ingest.IngestConfig;
import io.causality.ingest.Settings;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the ingest service: {@code IngestMain [--config file.properties]}. Every setting can also
 * come from the environment (see {@link Settings#envName}).
 */
public final class IngestMain {
    private static final Logger LOG = LoggerFactory.getLogger(IngestMain.class);

    private IngestMain() {}

    public static void main(String[] args) throws Exception {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else {
                System.err.println("usage: IngestMain [--config file.properties]");
                System.exit(2);
            }
        }
        IngestConfig config;
        try {
            config = IngestConfig.from(Settings.load(file, System.getenv()));
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        IngestServer server = new IngestServer(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    server.stop();
                                    stopped.countDown();
                                },
                                "ingest-shutdown"));
        LOG.info("ingest ready for traffic on port {}", server.port());
        stopped.await();
    }
}
