package io.causality.jobs.delivery;

import io.causality.webhooks.Delivery;

/**
 * What became of one turn of a delivery: an attempt and what it found, or why none was made. A POJO
 * for Flink's serialiser.
 */
public class Outcome {
    public enum Result {
        /** 2xx. */
        DELIVERED,
        /** Failed; tried again at {@link #nextDueMillis}. */
        RETRY,
        /** Failed its last attempt: a dead letter with every attempt. */
        FAILED,
        /** Never sent (unknown or disabled endpoint, address not allowed): a dead letter. */
        REFUSED,
        /** 410 Gone: the endpoint is disabled and the delivery a dead letter. */
        GONE,
        /**
         * Held back by the endpoint's gate; offered again at {@link #nextDueMillis}, no attempt
         * made.
         */
        DEFERRED
    }

    public Result result;

    /** The delivery, its attempts counting the one made here. */
    public Delivery delivery;

    public long nextDueMillis;

    /** Whether an attempt was made (then the fields below describe it). */
    public boolean attempted;

    public long startedMillis;
    public long latencyMillis;
    public Integer status;
    public String error;
    public String responseHead;

    /** Why the job disabled the endpoint with this outcome; null when it did not. */
    public String endpointDisabled;

    public Outcome() {}

    static Outcome of(Result result, Delivery delivery, String error) {
        Outcome o = new Outcome();
        o.result = result;
        o.delivery = delivery;
        o.error = error;
        return o;
    }

    /** Whether the delivery is finished (delivered or given up). */
    boolean isFinal() {
        return result == Result.DELIVERED
                || result == Result.FAILED
                || result == Result.REFUSED
                || result == Result.GONE;
    }
}
