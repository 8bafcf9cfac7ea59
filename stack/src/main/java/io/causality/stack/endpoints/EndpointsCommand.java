package io.causality.stack.endpoints;

import io.causality.webhooks.Endpoint;
import io.causality.webhooks.EndpointStore;
import io.causality.webhooks.EndpointUrl;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code causality endpoints ...}: webhook endpoints per app, their secrets shown once. What the
 * commands print is here, the command line's parsing in {@code cli.EndpointsCli}.
 */
public final class EndpointsCommand {
    private final EndpointStore store;
    private final PrintStream out;
    private final PrintStream err;

    public EndpointsCommand(EndpointStore store, PrintStream out, PrintStream err) {
        this.store = store;
        this.out = out;
        this.err = err;
    }

    /** What a command that changes something does, for {@link #run}. */
    private interface Change {
        int run() throws SQLException, EndpointStore.EndpointException;
    }

    private int run(Change change) throws SQLException {
        try {
            return change.run();
        } catch (EndpointStore.EndpointException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    public int add(String app, String name, String url, Integer rate, boolean ordered)
            throws SQLException {
        return run(
                () -> {
                    EndpointStore.WithSecret made = store.add(app, name, url, rate, ordered);
                    Endpoint e = made.endpoint();
                    out.println("endpoint:   " + e.appId() + "/" + e.name());
                    out.println("url:        " + e.url());
                    out.println("rate:       " + rate(e));
                    out.println("ordered:    " + (e.ordered() ? "yes, per match key" : "no"));
                    out.println("secret:     " + made.secret().reveal());
                    out.println(
                            "Store the secret now: receivers verify the webhook-signature header with"
                                    + " it (Standard Webhooks); it is not shown again.");
                    if (!EndpointUrl.isHttps(e.url())) {
                        out.println(
                                "note: http:// is delivered only where the delivery job allows it"
                                        + " (delivery.allow-http; the local stack does, for 127.0.0.1)");
                    }
                    out.println("Rules call it by name: then webhook \"" + e.name() + "\"");
                    return 0;
                });
    }

    public int list(String app) throws SQLException {
        List<Endpoint> all = store.list(app);
        out.printf(
                "%-20s %-24s %-9s %-10s %-8s %s%n",
                "APP", "NAME", "STATE", "RATE", "ORDERED", "URL");
        for (Endpoint e : all) {
            out.printf(
                    "%-20s %-24s %-9s %-10s %-8s %s%n",
                    e.appId(),
                    e.name(),
                    e.enabled() ? "enabled" : "disabled",
                    rate(e),
                    e.ordered() ? "yes" : "no",
                    e.url());
        }
        if (all.isEmpty()) {
            out.println(
                    "(no endpoints"
                            + (app == null ? "" : " for " + app)
                            + "; add one with causality endpoints add <app> <name> <url>)");
        }
        return 0;
    }

    public int show(String app, String name) throws SQLException {
        var found = store.find(app, name);
        if (found.isEmpty()) {
            err.println(
                    "app "
                            + app
                            + " has no endpoint named "
                            + name
                            + " (see causality endpoints list)");
            return 1;
        }
        Endpoint e = found.get();
        Instant now = Instant.now();
        out.println("endpoint:     " + e.appId() + "/" + e.name());
        out.println("url:          " + e.url());
        out.println(
                "state:        "
                        + (e.enabled()
                                ? "enabled"
                                : "disabled since " + e.disabledAt() + ": " + e.disabledReason()));
        out.println("rate:         " + rate(e));
        out.println("ordered:      " + (e.ordered() ? "yes, per match key" : "no"));
        out.println(
                "secrets:      "
                        + (e.signingSecrets(now).size() == 2
                                ? "2 signing (the previous one until "
                                        + e.previousSecretUntil()
                                        + ")"
                                : "1 signing"));
        out.println("last success: " + (e.lastSuccessAt() == null ? "never" : e.lastSuccessAt()));
        if (e.failingSince() != null) {
            out.println("failing since " + e.failingSince());
        }
        out.println("created:      " + e.createdAt());
        out.println("changed:      " + e.updatedAt());
        return 0;
    }

    public int rotateSecret(String app, String name, Duration grace) throws SQLException {
        return run(
                () -> {
                    EndpointStore.WithSecret next = store.rotateSecret(app, name, grace);
                    out.println("new secret: " + next.secret().reveal());
                    out.println(
                            "The previous secret keeps signing beside it until "
                                    + next.endpoint().previousSecretUntil()
                                    + ": move the receiver to the new one before then.");
                    return 0;
                });
    }

    public int setEnabled(String app, String name, boolean enabled, String reason)
            throws SQLException {
        return run(
                () -> {
                    boolean changed = store.setEnabled(app, name, enabled, reason);
                    out.println(
                            app
                                    + "/"
                                    + name
                                    + (changed ? " is now " : " was already ")
                                    + (enabled ? "enabled" : "disabled"));
                    return 0;
                });
    }

    public int delete(String app, String name) throws SQLException {
        return run(
                () -> {
                    if (!store.delete(app, name)) {
                        err.println("app " + app + " has no endpoint named " + name);
                        return 1;
                    }
                    out.println(
                            "deleted "
                                    + app
                                    + "/"
                                    + name
                                    + "; actions of rules that still call it become dead letters");
                    return 0;
                });
    }

    private static String rate(Endpoint e) {
        return e.ratePerSecond() == null ? "no limit" : e.ratePerSecond() + "/s";
    }

    /** {@code --rate}: {@code 20} or {@code 20/s}. */
    public static Integer parseRate(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        if (t.endsWith("/s")) {
            t = t.substring(0, t.length() - 2);
        }
        try {
            int n = Integer.parseInt(t);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--rate is messages per second, like 20/s; got " + text);
    }
}
