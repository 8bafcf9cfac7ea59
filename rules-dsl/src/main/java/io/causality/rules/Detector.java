package io.causality.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An anomaly detector: measures the events it selects per window and group, and fires when the
 * measure looks wrong (above or below a bound, changed against the previous window, gone silent, or
 * far from a learned baseline), with flap control as Prometheus has it (pending for a while before
 * firing, keep firing after it clears, cool down before firing again). Deployed with the rules, on
 * the same topic; the anomaly job runs it, the reaction job ignores it.
 *
 * @param groupBy paths whose values split the measure into groups, besides the app (always one)
 * @param maxGroups groups per app and detector beyond which new groups are counted, not kept
 * @param windowMillis the window's size, on event time
 * @param slideMillis how often a window starts: equal to the size for tumbling windows
 * @param latenessMillis how long after its end a window still takes late events
 */
public record Detector(
        Measure measure,
        List<String> groupBy,
        int maxGroups,
        long windowMillis,
        long slideMillis,
        long latenessMillis,
        Alert alert,
        Flap flap)
        implements Rule.Trigger {

    public static final int DEFAULT_MAX_GROUPS = 1_000;

    public Detector {
        Objects.requireNonNull(measure, "measure");
        groupBy = List.copyOf(groupBy);
        Objects.requireNonNull(alert, "alert");
        Objects.requireNonNull(flap, "flap");
    }

    @Override
    public List<EventSelector> selectors() {
        return measure.patterns().stream().map(EventPattern::selector).distinct().toList();
    }

    /**
     * Every path the detector reads from an event (its conditions, its value, its groups), besides
     * the event's type and name, which its patterns select on.
     */
    public List<String> pathsRead() {
        List<String> out = new ArrayList<>();
        for (EventPattern p : measure.patterns()) {
            if (p.where() != null) {
                out.addAll(Condition.paths(p.where()));
            }
        }
        if (measure instanceof Measure.Aggregate a) {
            out.add(a.path());
        } else if (measure instanceof Measure.DistinctCount dc) {
            out.add(dc.path());
        }
        out.addAll(groupBy);
        return out;
    }

    /**
     * Whether {@code other} measures the same thing, so that a baseline learned for this one still
     * holds for it: the same events, measure, groups and windows. Alerts, flap control and actions
     * may change without a reset.
     */
    public boolean measuresTheSameAs(Detector other) {
        return measure.equals(other.measure)
                && groupBy.equals(other.groupBy)
                && windowMillis == other.windowMillis
                && slideMillis == other.slideMillis;
    }

    /** What is measured per window and group. */
    public sealed interface Measure
            permits Measure.Count, Measure.Aggregate, Measure.DistinctCount, Measure.Ratio {

        /** The events the measure reads. */
        List<EventPattern> patterns();

        /** {@code count of purchase_complete} */
        record Count(EventPattern events) implements Measure {
            public Count {
                Objects.requireNonNull(events, "events");
            }

            @Override
            public List<EventPattern> patterns() {
                return List.of(events);
            }
        }

        /** {@code sum of $.properties.total on purchase_complete}; non-numbers are skipped. */
        record Aggregate(Function function, String path, EventPattern events) implements Measure {
            public Aggregate {
                Objects.requireNonNull(function, "function");
                Objects.requireNonNull(path, "path");
                Objects.requireNonNull(events, "events");
            }

            @Override
            public List<EventPattern> patterns() {
                return List.of(events);
            }
        }

        /** {@code distinct count of $.user_id on app_open} */
        record DistinctCount(String path, EventPattern events) implements Measure {
            public DistinctCount {
                Objects.requireNonNull(path, "path");
                Objects.requireNonNull(events, "events");
            }

            @Override
            public List<EventPattern> patterns() {
                return List.of(events);
            }
        }

        /**
         * {@code ratio of purchase_complete to checkout_start}: numerator events ÷ denominator
         * events in the window; no value while the denominator is 0.
         */
        record Ratio(EventPattern numerator, EventPattern denominator) implements Measure {
            public Ratio {
                Objects.requireNonNull(numerator, "numerator");
                Objects.requireNonNull(denominator, "denominator");
            }

            @Override
            public List<EventPattern> patterns() {
                List<EventPattern> out = new ArrayList<>(List.of(numerator));
                if (!denominator.equals(numerator)) {
                    out.add(denominator);
                }
                return out;
            }
        }

        enum Function {
            SUM,
            AVG,
            MIN,
            MAX;

            public String word() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }

    /** When a window's measure is anomalous. */
    public sealed interface Alert
            permits Alert.Threshold, Alert.Change, Alert.NoData, Alert.Deviation {

        /** {@code above 100}, {@code below 3}: the value against a fixed bound. */
        record Threshold(Direction direction, double bound) implements Alert {
            public Threshold {
                Objects.requireNonNull(direction, "direction");
                if (direction == Direction.EITHER) {
                    throw new IllegalArgumentException("a threshold is above or below");
                }
            }
        }

        /**
         * {@code drops by 50 percent}, {@code rises by 20}, {@code changes by 10 percent}: the
         * value against the previous window's, by at least {@code amount} (absolute, or percent of
         * the previous value).
         */
        record Change(Direction direction, double amount, boolean percent) implements Alert {
            public Change {
                Objects.requireNonNull(direction, "direction");
            }
        }

        /** {@code no data for 10m}: a group that sent before has sent nothing for that long. */
        record NoData(long forMillis) implements Alert {}

        /**
         * {@code deviates by 3 sigma over 24 windows seasonal daily min history 3}: more than
         * {@code k} standard deviations (or median absolute deviations) from the baseline learned
         * over the previous {@code windows} windows (seasonal: the same slot of the previous days
         * or weeks), once at least {@code minHistory} of them are known.
         */
        record Deviation(
                Direction direction,
                double k,
                Spread spread,
                int windows,
                Seasonality seasonality,
                int minHistory)
                implements Alert {
            /** Earlier windows known before a deviation may fire, unless the rule says. */
            public static final int DEFAULT_MIN_HISTORY = 5;

            public Deviation {
                Objects.requireNonNull(direction, "direction");
                Objects.requireNonNull(spread, "spread");
                Objects.requireNonNull(seasonality, "seasonality");
            }
        }

        enum Direction {
            ABOVE,
            BELOW,
            EITHER
        }

        enum Spread {
            /** mean and standard deviation */
            SIGMA,
            /** median and median absolute deviation (scaled to match sigma on normal data) */
            MAD
        }

        enum Seasonality {
            NONE(0),
            DAILY(24L * 3600 * 1000),
            WEEKLY(7L * 24 * 3600 * 1000);

            public final long periodMillis;

            Seasonality(long periodMillis) {
                this.periodMillis = periodMillis;
            }

            public String word() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }

    /**
     * Flap control: the alert must hold for {@code pendingMillis} before the detector fires; after
     * it clears it keeps firing for {@code keepFiringMillis}; once resolved it does not fire again
     * for {@code cooldownMillis}. All 0 by default: fire at once, resolve at once.
     */
    public record Flap(long pendingMillis, long keepFiringMillis, long cooldownMillis) {
        public static final Flap NONE = new Flap(0, 0, 0);
    }
}
