package io.causality.webhooks;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A registered webhook endpoint of one app.
 *
 * @param ratePerSecond messages per second at most, null for no limit of its own
 * @param ordered whether messages of one match key go one at a time, in order
 * @param secret the current signing secret
 * @param previousSecret the secret before the last rotation, still signing until {@code
 *     previousSecretUntil}; null when there is none
 * @param change grows with every change of the row
 */
public record Endpoint(
        String appId,
        String name,
        URI url,
        Integer ratePerSecond,
        boolean ordered,
        boolean enabled,
        String disabledReason,
        Instant disabledAt,
        WebhookSecret secret,
        WebhookSecret previousSecret,
        Instant previousSecretUntil,
        Instant lastSuccessAt,
        Instant failingSince,
        Instant createdAt,
        Instant updatedAt,
        long change) {

    /** The secrets that sign a message sent at {@code now}: the current one first. */
    public List<WebhookSecret> signingSecrets(Instant now) {
        List<WebhookSecret> out = new ArrayList<>(2);
        out.add(secret);
        if (previousSecret != null
                && previousSecretUntil != null
                && now.isBefore(previousSecretUntil)) {
            out.add(previousSecret);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Endpoint[" + appId + "/" + name + " " + url + (enabled ? "" : " disabled") + "]";
    }
}
