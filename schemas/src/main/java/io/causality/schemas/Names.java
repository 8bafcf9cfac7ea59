package io.causality.schemas;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean" for names: the closest known name to a misspelt one, if one is close. */
public final class Names {
    private Names() {}

    /**
     * The candidate with the smallest edit distance to {@code given}, if that distance is small for
     * its length (at most 2, or a third of the name).
     */
    public static Optional<String> closest(String given, Collection<String> candidates) {
        return candidates.stream()
                .min(
                        Comparator.comparingInt((String c) -> editDistance(given, c))
                                .thenComparing(c -> c))
                .filter(c -> editDistance(given, c) <= Math.max(2, given.length() / 3));
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
