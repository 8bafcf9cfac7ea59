package io.causality.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {
    private final AddressPolicy policy = AddressPolicy.publicOnly();

    private static byte[] bytes(String literal) {
        byte[] b = Network.literal(literal);
        assertThat(b).as(literal + " parses").isNotNull();
        return b;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // IPv4
                "0.0.0.0",
                "0.1.2.3",
                "10.0.0.1",
                "10.255.255.255",
                "100.64.0.1",
                "100.127.255.254",
                "127.0.0.1",
                "127.1.2.3",
                "169.254.169.254",
                "169.254.0.1",
                "172.16.0.1",
                "172.31.255.255",
                "192.0.0.8",
                "192.0.2.1",
                "192.88.99.1",
                "192.168.1.1",
                "198.18.0.1",
                "198.19.255.255",
                "198.51.100.7",
                "203.0.113.66",
                "224.0.0.1",
                "239.255.255.250",
                "240.0.0.1",
                "255.255.255.255",
                // IPv6
                "::",
                "::1",
                "fe80::1",
                "febf::1",
                "fc00::1",
                "fd12:3456::1",
                "ff02::1",
                "ff05::2",
                "2001:db8::1",
                "3fff::1",
                "fec0::1",
                "100::1",
                "2001::1",
                "64:ff9b:1::1",
                // IPv4 inside IPv6 forms
                "::ffff:127.0.0.1",
                "::ffff:7f00:1",
                "::ffff:10.0.0.1",
                "::ffff:169.254.169.254",
                "::127.0.0.1",
                "::10.0.0.1",
                "64:ff9b::127.0.0.1",
                "64:ff9b::a9fe:a9fe",
                "2002:7f00:1::",
                "2002:a9fe:a9fe::1",
                "2002:c0a8:101::",
                "[::ffff:192.168.0.1]"
            })
    void everyNonPublicClassIsRefused(String address) {
        assertThat(policy.refusal(bytes(address))).as(address).isNotNull().contains("allow-lists");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "8.8.8.8",
                "1.1.1.1",
                "93.184.215.14",
                "100.63.255.255",
                "100.128.0.0",
                "172.15.255.255",
                "172.32.0.0",
                "192.169.0.1",
                "198.17.255.255",
                "198.20.0.0",
                "223.255.255.255",
                "2606:4700:4700::1111",
                "2a00:1450:4001:82a::200e",
                "::ffff:8.8.8.8",
                "64:ff9b::808:808",
                "2002:808:808::1"
            })
    void publicAddressesPass(String address) {
        assertThat(policy.refusal(bytes(address))).as(address).isNull();
    }

    @Test
    void theReasonNamesTheRange() {
        assertThat(policy.refusal(bytes("169.254.169.254")))
                .startsWith("169.254.169.254 is link-local, cloud metadata");
        assertThat(policy.refusal(bytes("2002:a9fe:a9fe::1")))
                .contains("link-local, cloud metadata (169.254.0.0/16), inside an IPv6 form");
    }

    @Test
    void anAllowListedNetworkPassesInEveryForm() {
        AddressPolicy local = AddressPolicy.allowing("127.0.0.1/32, fd00::/8");
        assertThat(local.refusal(bytes("127.0.0.1"))).isNull();
        assertThat(local.refusal(bytes("::ffff:127.0.0.1"))).isNull();
        assertThat(local.refusal(bytes("127.0.0.2"))).isNotNull();
        assertThat(local.refusal(bytes("fd00::5"))).isNull();
        assertThat(local.refusal(bytes("fc00::5"))).isNotNull();
        assertThat(local.refusal(bytes("::1"))).as("::1 is not 127.0.0.1").isNotNull();
    }

    @Test
    void aNameIsCheckedOnWhatItResolvesTo() throws Exception {
        assertThatThrownBy(() -> policy.resolve("localhost"))
                .isInstanceOf(AddressPolicy.RefusedAddressException.class)
                .hasMessageStartingWith("localhost resolves to ")
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> policy.resolve("[::ffff:127.0.0.1]"))
                .isInstanceOf(AddressPolicy.RefusedAddressException.class);
        InetAddress[] ok = AddressPolicy.allowing("127.0.0.0/8, ::1").resolve("localhost");
        assertThat(ok).isNotEmpty();
        assertThat(policy.resolve("8.8.8.8"))
                .extracting(InetAddress::getHostAddress)
                .containsExactly("8.8.8.8");
    }

    @Test
    void literalsAreParsedStrictlyAndNeverLookedUp() {
        assertThat(Network.literal("localhost")).isNull();
        assertThat(Network.literal("010.0.0.1")).as("octal-looking").isNull();
        assertThat(Network.literal("256.0.0.1")).isNull();
        assertThat(Network.literal("1.2.3")).isNull();
        assertThat(Network.literal("1::2::3")).isNull();
        assertThat(Network.literal("1:2:3:4:5:6:7:8:9")).isNull();
        assertThat(Network.literal("fe80::1%eth0")).isNull();
        assertThat(Network.literal("::-1")).isNull();
        assertThat(Network.literal("1:2:3:4:5:6:7:8")).hasSize(16);
        assertThat(Network.literal("::ffff:1.2.3.4")).hasSize(16);
    }

    @Test
    void networksParseWithWhatIsWrong() {
        assertThat(Network.parse("10.0.0.0/8").contains(bytes("10.1.2.3"))).isTrue();
        assertThat(Network.parse("10.0.0.0/8").contains(bytes("11.0.0.0"))).isFalse();
        assertThat(Network.parse("172.16.0.0/12").contains(bytes("172.31.0.1"))).isTrue();
        assertThat(Network.parse("172.16.0.0/12").contains(bytes("172.32.0.1"))).isFalse();
        assertThat(Network.parse("0.0.0.0/0").contains(bytes("8.8.8.8"))).isTrue();
        assertThat(Network.parse("0.0.0.0/0").contains(bytes("::1"))).isFalse();
        assertThat(Network.parse("127.0.0.1").toString()).isEqualTo("127.0.0.1/32");
        assertThatThrownBy(() -> Network.parse("10.0.0.0/33")).hasMessageContaining("0 to 32");
        assertThatThrownBy(() -> Network.parse("intranet/8")).hasMessageContaining("not a network");
    }
}
