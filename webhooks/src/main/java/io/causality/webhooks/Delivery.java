package io.causality.webhooks;

/**
 * One webhook on its way: the action it came from, the body to send (the same for every attempt),
 * how many attempts were made and when the next is due. Travels through the delivery job, the retry
 * topic (where {@code causality deliveries replay} also puts it) and the dead-letter topic. A POJO,
 * so Flink serialises it without Kryo.
 */
public class Delivery {
    /** What the record on the retry topic is. */
    public enum Kind {
        /** A delivery to attempt (new, retried or deferred). */
        SEND,
        /** The delivery before others on an ordered lane is finished: the next may go. */
        DONE
    }

    public Kind kind = Kind.SEND;

    /** The action id: the {@code webhook-id}, the delivery log's key. */
    public String deliveryId;

    public String appId;
    public String endpoint;
    public String matchId;
    public String rule;
    public int ruleVersion;

    /** The match key, or null: an ordered endpoint delivers one at a time per key. */
    public String key;

    /** The JSON body sent, {@code {"type", "timestamp", "data"}}. */
    public String body;

    /** Attempts made so far. */
    public int attempts;

    /**
     * Attempts made before this round: a replay starts the retry schedule again, while the attempt
     * numbers (the delivery log's key) go on.
     */
    public int roundStart;

    /** When the next attempt is due (epoch millis); 0 for at once. */
    public long dueAtMillis;

    /** When the job first read the action (epoch millis), for the delivery log. */
    public long firstSeenMillis;

    /** Whether it was dispatched on an ordered lane, so that its end must release the next. */
    public boolean ordered;

    /** The attempts so far, a JSON array, for the dead letter of a delivery that gives up. */
    public String history = "[]";

    public Delivery() {}

    /**
     * The endpoint it goes to, {@code app\nendpoint}: the delivery job keys its scheduling by it,
     * so that every delivery to one endpoint passes one gate whatever the job's parallelism.
     */
    public String endpointKey() {
        return appId + "\n" + endpoint;
    }

    /** The lane: deliveries of one endpoint and match key, in order where the endpoint asks. */
    public String lane() {
        return endpointKey() + "\n" + laneKey();
    }

    /** Its lane within the endpoint: the match key, empty for none. */
    public String laneKey() {
        return key == null ? "" : key;
    }

    public Delivery copy() {
        Delivery d = new Delivery();
        d.kind = kind;
        d.deliveryId = deliveryId;
        d.appId = appId;
        d.endpoint = endpoint;
        d.matchId = matchId;
        d.rule = rule;
        d.ruleVersion = ruleVersion;
        d.key = key;
        d.body = body;
        d.attempts = attempts;
        d.roundStart = roundStart;
        d.dueAtMillis = dueAtMillis;
        d.firstSeenMillis = firstSeenMillis;
        d.ordered = ordered;
        d.history = history;
        return d;
    }

    /** Attempts made in this round: where the retry schedule stands. */
    public int attemptsThisRound() {
        return attempts - roundStart;
    }

    /**
     * This delivery sent again by a replay: due at once, a new round of the retry schedule, its
     * attempt numbers going on; whether its lane is ordered is the endpoint's to say again.
     */
    public Delivery replayed() {
        Delivery d = copy();
        d.kind = Kind.SEND;
        d.roundStart = attempts;
        d.dueAtMillis = 0;
        d.ordered = false;
        return d;
    }

    /** The signal that ends this delivery's turn on its ordered lane. */
    public Delivery done() {
        Delivery d = copy();
        d.kind = Kind.DONE;
        d.body = null;
        d.history = "[]";
        return d;
    }

    @Override
    public String toString() {
        return "Delivery["
                + deliveryId
                + " "
                + appId
                + "/"
                + endpoint
                + " attempts="
                + attempts
                + "]";
    }
}
