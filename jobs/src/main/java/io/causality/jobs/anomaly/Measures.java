package io.causality.jobs.anomaly;

import io.causality.rules.Detector;

/** A window's value of a measure, from the merged slides of the window. */
final class Measures {
    private Measures() {}

    /**
     * The value, or NaN when the window has none: an average, minimum or maximum of no values, a
     * ratio with no denominator events. A count or sum of no events is 0, a value like any other (a
     * shop with no purchases this minute has 0 purchases).
     */
    static double value(Detector.Measure m, Slide window) {
        if (m instanceof Detector.Measure.Count) {
            return window.count;
        }
        if (m instanceof Detector.Measure.Ratio) {
            return window.denominator == 0
                    ? Double.NaN
                    : (double) window.count / window.denominator;
        }
        if (m instanceof Detector.Measure.DistinctCount) {
            return window.distinct == null ? 0 : window.distinct.estimate();
        }
        Detector.Measure.Aggregate a = (Detector.Measure.Aggregate) m;
        return switch (a.function()) {
            case SUM -> window.sum;
            case AVG -> window.count == 0 ? Double.NaN : window.sum / window.count;
            case MIN -> window.count == 0 ? Double.NaN : window.min;
            case MAX -> window.count == 0 ? Double.NaN : window.max;
        };
    }

    /** Whether the measure counts things, so that its smallest meaningful step is 1. */
    static boolean counts(Detector.Measure m) {
        return m instanceof Detector.Measure.Count || m instanceof Detector.Measure.DistinctCount;
    }
}
