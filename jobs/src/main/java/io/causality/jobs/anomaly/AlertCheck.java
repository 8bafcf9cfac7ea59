package io.causality.jobs.anomaly;

import io.causality.rules.Detector;
import io.causality.rules.Detector.Alert;

/**
 * Whether a closed window is anomalous, and against what: the bound, the previous window's value or
 * the learned baseline, with a severity that says how far off it is.
 *
 * <p>Severity: for deviations, how many sigmas (or scaled MADs) the value is from the baseline; for
 * the others, the distance from the baseline relative to it ({@code |v - b| / |b|}, or the distance
 * itself when the baseline is 0); for no data, how many times the no-data duration the group has
 * been silent.
 */
final class AlertCheck {
    private AlertCheck() {}

    /**
     * @param active whether the alert holds for this window
     * @param known false when the window could not be judged (no value, too little history): it
     *     then counts as not active
     * @param baseline what the value was compared with; NaN when nothing
     */
    record Verdict(boolean active, boolean known, double baseline, double severity) {
        static final Verdict UNKNOWN = new Verdict(false, false, Double.NaN, 0);
    }

    /**
     * @param value this window's value, NaN for none
     * @param previous the previous window's value, NaN for none
     * @param history the baseline's values for this window's slot, oldest first
     * @param silentMillis how long the group has sent nothing, at the window's end
     */
    static Verdict check(
            Detector d, double value, double previous, double[] history, long silentMillis) {
        Alert a = d.alert();
        if (a instanceof Alert.NoData n) {
            boolean active = silentMillis >= n.forMillis();
            return new Verdict(active, true, n.forMillis(), (double) silentMillis / n.forMillis());
        }
        if (Double.isNaN(value)) {
            return Verdict.UNKNOWN;
        }
        if (a instanceof Alert.Threshold t) {
            boolean active =
                    t.direction() == Alert.Direction.ABOVE ? value > t.bound() : value < t.bound();
            return new Verdict(active, true, t.bound(), relative(value, t.bound()));
        }
        if (a instanceof Alert.Change c) {
            if (Double.isNaN(previous)) {
                return Verdict.UNKNOWN;
            }
            double delta = value - previous;
            double amount;
            if (c.percent()) {
                if (previous == 0) {
                    // From nothing, any rise is an infinite percentage; a drop cannot happen.
                    amount = delta > 0 ? Double.POSITIVE_INFINITY : 0;
                } else {
                    amount = 100 * delta / Math.abs(previous);
                }
            } else {
                amount = delta;
            }
            boolean active =
                    switch (c.direction()) {
                        case ABOVE -> amount >= c.amount();
                        case BELOW -> -amount >= c.amount();
                        case EITHER -> Math.abs(amount) >= c.amount();
                    };
            return new Verdict(active, true, previous, relative(value, previous));
        }
        Alert.Deviation dv = (Alert.Deviation) a;
        if (history.length < dv.minHistory()) {
            return Verdict.UNKNOWN;
        }
        double[] cs =
                dv.spread() == Alert.Spread.SIGMA
                        ? Baseline.meanAndSigma(history)
                        : Baseline.medianAndMad(history);
        double center = cs[0];
        // A flat history has no spread; without a floor one more event would be infinitely far.
        double floor = Measures.counts(d.measure()) ? 1 : Math.max(1e-9, 0.01 * Math.abs(center));
        double spread = Math.max(cs[1], floor);
        double z = (value - center) / spread;
        boolean active =
                switch (dv.direction()) {
                    case ABOVE -> z > dv.k();
                    case BELOW -> -z > dv.k();
                    case EITHER -> Math.abs(z) > dv.k();
                };
        return new Verdict(active, true, center, Math.abs(z));
    }

    private static double relative(double value, double baseline) {
        double d = Math.abs(value - baseline);
        return baseline == 0 ? d : d / Math.abs(baseline);
    }
}
