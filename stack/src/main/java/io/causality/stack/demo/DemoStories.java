package io.causality.stack.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causality.schemas.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Short stories the demo tells as they happen, each completing one of the example sequence rules in
 * {@code rules/examples}, or setting off one of its detectors. The bulk of the demo traffic is
 * random: five failed logins from one device within a minute hardly ever happen in it, and a signup
 * followed by a purchase of the same user only sometimes, so without the stories a run could show
 * no sequence match at all. A story's events carry their own times, a second apart and ending when
 * they are sent.
 */
public final class DemoStories {
    /**
     * A story: the sequence rule it completes (or the detector it sets off), what happens, and its
     * events in order.
     */
    public record Story(String rule, String telling, List<ObjectNode> events, boolean detector) {
        public Story(String rule, String telling, List<ObjectNode> events) {
            this(rule, telling, events, false);
        }
    }

    /** The example detector the errors story sets off, and how many errors it sends at once. */
    public static final String ERRORS_DETECTOR = "shop-errors-spike";

    static final int ERROR_BURST = 30;

    private DemoStories() {}

    /**
     * The stories for one app, with a device and a user named after the seed. Their event ids come
     * from the seed and the time: a story happens now, so a run with the same seed tells it anew
     * (the jobs would drop the same ids as retries, and nothing would match).
     */
    public static List<Story> of(String app, long seed, Instant now) {
        DemoTraffic traffic = new DemoTraffic(seed ^ now.toEpochMilli(), List.of(app), 0.0, now);
        String tag = Long.toUnsignedString(seed, 36);

        String device = app + "-story-device-" + tag;
        List<ObjectNode> attempts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ObjectNode e = traffic.nativeEvent(app, EventType.LOGIN_FAILED);
            ((ObjectNode) e.get("context").get("device")).put("id", device);
            attempts.add(e);
        }

        String user = app + "-story-user-" + tag;
        List<ObjectNode> conversion = new ArrayList<>();
        for (EventType type : List.of(EventType.USER_SIGNUP, EventType.PURCHASE_COMPLETE)) {
            ObjectNode e = traffic.nativeEvent(app, type);
            e.put("user_id", user);
            e.put("anonymous_id", user + "-device");
            conversion.add(e);
        }
        // A burst of errors in one instant: one window of the detector holds them all, and the
        // next, with the random traffic's few, resolves it.
        List<ObjectNode> errors = new ArrayList<>();
        for (int i = 0; i < ERROR_BURST; i++) {
            ObjectNode e = traffic.nativeEvent(app, EventType.ERROR);
            e.put("timestamp", now.toString());
            e.put("sent_at", now.toString());
            errors.add(e);
        }
        return List.of(
                new Story(ERRORS_DETECTOR, ERROR_BURST + " errors at once in " + app, errors, true),
                new Story(
                        "brute-force-login",
                        "5 failed logins from device " + device,
                        happening(attempts, now)),
                new Story(
                        "signup-then-purchase",
                        "user " + user + " signs up, then buys",
                        happening(conversion, now)));
    }

    /**
     * Times a second apart up to now, sent now: the ingest's clock-skew correction keeps the gaps
     * and ends them at the moment it receives the events.
     */
    private static List<ObjectNode> happening(List<ObjectNode> events, Instant now) {
        for (int i = 0; i < events.size(); i++) {
            events.get(i).put("timestamp", now.minusSeconds(events.size() - i).toString());
            events.get(i).put("sent_at", now.toString());
        }
        return events;
    }
}
