package io.causality.jobs.delivery;

import io.causality.webhooks.AddressPolicy;
import io.causality.webhooks.EndpointDirectory;
import io.causality.webhooks.EndpointStore;
import io.causality.webhooks.SecretBox;
import io.causality.webhooks.WebhookSender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What the delivery job's operators open on the task managers from its settings: the database, the
 * secret box (its key read from a file, never passed as an argument), the endpoint directory and
 * the HTTP sender.
 */
final class DeliveryResources {
    private DeliveryResources() {}

    static DataSource database(DeliverySettings s) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(s.dbUrl());
        ds.setUser(s.dbUser());
        if (s.dbPasswordFile() != null && !s.dbPasswordFile().isBlank()) {
            ds.setPassword(read(s.dbPasswordFile(), "db.password-file"));
        }
        ds.setConnectTimeout(5);
        ds.setSocketTimeout(30);
        return ds;
    }

    static EndpointStore store(DeliverySettings s) {
        return new EndpointStore(
                database(s), new SecretBox(read(s.secretKeyFile(), "delivery.secret-key-file")));
    }

    static EndpointDirectory directory(DeliverySettings s) {
        return new EndpointDirectory(store(s), s.endpointRefresh(), Clock.systemUTC());
    }

    static WebhookSender sender(DeliverySettings s) {
        WebhookSender.Settings defaults =
                WebhookSender.Settings.defaults(AddressPolicy.allowing(s.allowedNetworks()));
        return new WebhookSender(
                new WebhookSender.Settings(
                        defaults.policy(),
                        s.allowHttp(),
                        Duration.ofMillis(Math.min(5_000, s.timeout().toMillis())),
                        s.timeout(),
                        // Per host: several endpoints may live on one host (all the local
                        // stack's do); each endpoint's own limit is the gate's.
                        Math.max(s.capacity(), defaults.maxConnections()),
                        Math.max(s.capacity(), defaults.maxConnections()),
                        defaults.responseHeadBytes()),
                Clock.systemUTC());
    }

    /** A secret from a file (the password, the secret key): never an argument Flink would show. */
    static String read(String file, String option) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(option + " " + file + " cannot be read", e);
        }
    }
}
