package io.causality.jobs.anomaly;

import io.causality.rules.Detector;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A group's alert state, stepped once per closed window, as Prometheus and Grafana have it: NORMAL
 * → PENDING while the alert has held for less than {@code for}; → FIRING once it has held that long
 * (at once without {@code for}); FIRING stays while the alert holds and for {@code keep firing}
 * after it last held; then RESOLVED, which is NORMAL again at the next window. No window may fire
 * within {@code cooldown} after a resolve; a held alert then waits as PENDING.
 */
final class FlapState {
    enum State {
        NORMAL,
        PENDING,
        FIRING,
        RESOLVED;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    State state = State.NORMAL;

    /** When the alert started to hold (PENDING, FIRING); when it last held (FIRING). */
    long activeSince;

    long lastActive;

    /** While FIRING: when the alert first stopped holding; Long.MIN_VALUE while it holds. */
    long clearedSince = Long.MIN_VALUE;

    /** When the detector last resolved; Long.MIN_VALUE for never. */
    long resolvedAt = Long.MIN_VALUE;

    /** When it last fired: the firing's identity, shared by its resolved record. */
    long firedAt;

    /**
     * Steps the state for the window ending at {@code t}; returns the new state if it changed, or
     * null.
     */
    State step(boolean active, long t, Detector.Flap flap) {
        State before = state;
        switch (state) {
            case NORMAL, RESOLVED -> {
                state = State.NORMAL;
                if (active) {
                    activeSince = t;
                    lastActive = t;
                    state = mayFire(t, flap) ? State.FIRING : State.PENDING;
                }
            }
            case PENDING -> {
                if (!active) {
                    state = State.NORMAL;
                } else {
                    lastActive = t;
                    if (mayFire(t, flap)) {
                        state = State.FIRING;
                    }
                }
            }
            case FIRING -> {
                if (active) {
                    lastActive = t;
                    clearedSince = Long.MIN_VALUE;
                } else {
                    // As Prometheus's keep_firing_for: counted from the first window that clears.
                    if (clearedSince == Long.MIN_VALUE) {
                        clearedSince = t;
                    }
                    if (t - clearedSince >= flap.keepFiringMillis()) {
                        state = State.RESOLVED;
                        resolvedAt = t;
                        clearedSince = Long.MIN_VALUE;
                    }
                }
            }
        }
        if (state == State.FIRING && before != State.FIRING) {
            firedAt = t;
        }
        return state == before ? null : state;
    }

    private boolean mayFire(long t, Detector.Flap flap) {
        boolean cooled = resolvedAt == Long.MIN_VALUE || t - resolvedAt >= flap.cooldownMillis();
        return cooled && t - activeSince >= flap.pendingMillis();
    }

    /** Nothing to remember: a group in this state may be forgotten. */
    boolean idle(long t, Detector.Flap flap) {
        return (state == State.NORMAL || state == State.RESOLVED)
                && (resolvedAt == Long.MIN_VALUE || t - resolvedAt >= flap.cooldownMillis());
    }

    void write(DataOutput out) throws IOException {
        out.writeByte(state.ordinal());
        out.writeLong(activeSince);
        out.writeLong(lastActive);
        out.writeLong(resolvedAt);
        out.writeLong(firedAt);
        out.writeLong(clearedSince);
    }

    static FlapState read(DataInput in) throws IOException {
        FlapState f = new FlapState();
        f.state = State.values()[in.readByte()];
        f.activeSince = in.readLong();
        f.lastActive = in.readLong();
        f.resolvedAt = in.readLong();
        f.firedAt = in.readLong();
        f.clearedSince = in.readLong();
        return f;
    }
}
