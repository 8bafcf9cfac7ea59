package io.causality.webhooks;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The URL an endpoint is registered with: absolute {@code https} (or {@code http}, which the
 * delivery sends to only where an operator allows it), a host, no user info and no fragment.
 */
public final class EndpointUrl {
    public static final int MAX_LENGTH = 2048;

    private EndpointUrl() {}

    /**
     * @throws IllegalArgumentException saying what to fix
     */
    public static URI parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the endpoint needs a URL, https://...");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "an endpoint URL is at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException(
                    "an endpoint URL starts with https:// (got " + text + ")");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("an endpoint URL names a host: " + text);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "an endpoint URL carries no user name or password; the signature authenticates"
                            + " the sender");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("an endpoint URL has no #fragment: " + text);
        }
        return uri;
    }

    public static boolean isHttps(URI uri) {
        return "https".equalsIgnoreCase(uri.getScheme());
    }
}
