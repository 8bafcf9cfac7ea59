package io.causality.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.causality.ingest.IpAddresses;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardedForTest {
    @Test
    void theClientIsTheEntryTheOutermostTrustedProxyAddedNotTheLeftmost() {
        // The client wrote "203.0.113.66" itself; our one proxy appended the real address.
        List<String> header = List.of("203.0.113.66, 198.51.100.7");
        assertThat(ForwardedFor.client(header, 1)).isEqualTo("198.51.100.7");
        // Two proxies: the outer one appended the client, the inner one the outer proxy.
        assertThat(ForwardedFor.client(List.of("203.0.113.66, 198.51.100.7, 10.0.0.2"), 2))
                .isEqualTo("198.51.100.7");
        // Entries over several headers count as one list.
        assertThat(ForwardedFor.client(List.of("203.0.113.66", "198.51.100.7"), 1))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void fewerEntriesThanProxiesOrNoAddressThereMeansThePeersAddress() {
        assertThat(ForwardedFor.client(List.of("198.51.100.7"), 2)).isNull();
        assertThat(ForwardedFor.client(List.of(), 1)).isNull();
        assertThat(ForwardedFor.client(List.of("1.2.3.4, not-an-ip"), 1)).isNull();
    }

    @Test
    void onlyAddressLiteralsAreAddresses() {
        assertThat(IpAddresses.literal(" 198.51.100.7 ")).isEqualTo("198.51.100.7");
        assertThat(IpAddresses.literal("2001:db8::1")).isEqualTo("2001:db8::1");
        assertThat(IpAddresses.literal("::ffff:192.0.2.1")).isEqualTo("::ffff:192.0.2.1");
        for (String bad :
                List.of(
                        "",
                        "example.com",
                        "1.2.3",
                        "1.2.3.256",
                        "01.2.3.4",
                        "1.2.3.4:80",
                        "2001:db8:::1",
                        "2001:db8::g",
                        "x".repeat(100))) {
            assertThat(IpAddresses.literal(bad)).as(bad).isNull();
        }
    }
}
