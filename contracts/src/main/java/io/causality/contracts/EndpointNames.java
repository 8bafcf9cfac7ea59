package io.causality.contracts;

import java.util.regex.Pattern;

/**
 * Webhook endpoints are named per app, and rules call them by that name ({@code webhook
 * "sales-alerts"}), never by URL: the rule validator, the endpoint registry and the command line
 * hold names to this one rule.
 */
public final class EndpointNames {
    public static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    public static final String RULE =
            "an endpoint name is 1-64 characters of a-z, 0-9, '-' or '_', starting with a letter or"
                    + " digit";

    private EndpointNames() {}

    public static boolean valid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }
}
