package io.causality.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyLookupsTest {
    @Test
    void anAddressGetsItsBurstOfLookupsThenIsLimitedWhileOthersStillGetTheirs() {
        KeyLookups lookups = new KeyLookups(5, 100);
        for (int i = 0; i < 20; i++) {
            assertThat(lookups.tryStart("203.0.113.9")).isEqualTo(KeyLookups.Verdict.GO);
            lookups.finished();
        }
        assertThat(lookups.tryStart("203.0.113.9")).isEqualTo(KeyLookups.Verdict.ADDRESS_LIMITED);
        assertThat(lookups.tryStart("198.51.100.7")).isEqualTo(KeyLookups.Verdict.GO);
    }

    @Test
    void atMostMaxPendingRunAtOnceAndAFinishedOneMakesRoom() {
        KeyLookups lookups = new KeyLookups(1000, 2);
        assertThat(lookups.tryStart("a")).isEqualTo(KeyLookups.Verdict.GO);
        assertThat(lookups.tryStart("b")).isEqualTo(KeyLookups.Verdict.GO);
        assertThat(lookups.tryStart("c")).isEqualTo(KeyLookups.Verdict.BUSY);
        lookups.finished();
        assertThat(lookups.tryStart("c")).isEqualTo(KeyLookups.Verdict.GO);
        assertThat(lookups.pending()).isEqualTo(2);
    }

    @Test
    void theAddressesRememberedAreBounded() {
        KeyLookups lookups = new KeyLookups(1, 1);
        for (int i = 0; i < KeyLookups.MAX_ADDRESSES + 500; i++) {
            if (lookups.tryStart("2001:db8::" + Integer.toHexString(i)) == KeyLookups.Verdict.GO) {
                lookups.finished();
            }
        }
        assertThat(lookups.addresses()).isEqualTo(KeyLookups.MAX_ADDRESSES);
    }
}
