package io.causality.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which addresses a webhook may be sent to: any public address, and the networks an operator
 * allow-lists; never, unless allow-listed, an address that reaches into the machine or its network
 * (loopback, private, link-local with the cloud metadata service, CGNAT, multicast, reserved and
 * documentation ranges), whether written as IPv4, as IPv6, or as IPv4 inside an IPv6 form (mapped,
 * compatible, 6to4, NAT64). A host is checked on the addresses it resolves to, and the connection
 * goes to exactly those ({@link #resolve}): no second lookup that DNS rebinding could change.
 */
public final class AddressPolicy {
    private record Range(Network network, String what) {}

    private static final List<Range> IPV4 =
            List.of(
                    range("0.0.0.0/8", "\"this network\" (0.0.0.0/8)"),
                    range("10.0.0.0/8", "private (10.0.0.0/8)"),
                    range("100.64.0.0/10", "shared address space, CGNAT (100.64.0.0/10)"),
                    range("127.0.0.0/8", "loopback (127.0.0.0/8)"),
                    range("169.254.0.0/16", "link-local, cloud metadata (169.254.0.0/16)"),
                    range("172.16.0.0/12", "private (172.16.0.0/12)"),
                    range("192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)"),
                    range("192.0.2.0/24", "documentation (192.0.2.0/24)"),
                    range("192.88.99.0/24", "6to4 relay anycast (192.88.99.0/24)"),
                    range("192.168.0.0/16", "private (192.168.0.0/16)"),
                    range("198.18.0.0/15", "benchmarking (198.18.0.0/15)"),
                    range("198.51.100.0/24", "documentation (198.51.100.0/24)"),
                    range("203.0.113.0/24", "documentation (203.0.113.0/24)"),
                    range("224.0.0.0/4", "multicast (224.0.0.0/4)"),
                    range("240.0.0.0/4", "reserved or broadcast (240.0.0.0/4)"));

    private static final List<Range> IPV6 =
            List.of(
                    range("::/128", "unspecified (::)"),
                    range("::1/128", "loopback (::1)"),
                    range("64:ff9b:1::/48", "local-use NAT64 (64:ff9b:1::/48)"),
                    range("100::/64", "discard-only (100::/64)"),
                    range("2001::/23", "IETF protocol assignments, Teredo (2001::/23)"),
                    range("2001:db8::/32", "documentation (2001:db8::/32)"),
                    range("3fff::/20", "documentation (3fff::/20)"),
                    range("fc00::/7", "unique local, private (fc00::/7)"),
                    range("fe80::/10", "link-local (fe80::/10)"),
                    range("fec0::/10", "site-local (fec0::/10)"),
                    range("ff00::/8", "multicast (ff00::/8)"));

    private static final Network MAPPED = Network.parse("::ffff:0:0/96");
    private static final Network COMPATIBLE = Network.parse("::/96");
    private static final Network NAT64 = Network.parse("64:ff9b::/96");
    private static final Network SIX_TO_FOUR = Network.parse("2002::/16");

    private final List<Network> allowed;

    /**
     * @param allowed networks an operator allows even though they are not public
     */
    public AddressPolicy(List<Network> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Public addresses only. */
    public static AddressPolicy publicOnly() {
        return new AddressPolicy(List.of());
    }

    /** A comma-separated list of networks, as in the configuration ({@code 127.0.0.1/32, ::1}). */
    public static AddressPolicy allowing(String networks) {
        List<Network> out = new ArrayList<>();
        if (networks != null) {
            for (String n : networks.split(",")) {
                if (!n.isBlank()) {
                    out.add(Network.parse(n));
                }
            }
        }
        return new AddressPolicy(out);
    }

    public List<Network> allowed() {
        return allowed;
    }

    /** Why a webhook may not go to this address, or null when it may. */
    public String refusal(InetAddress address) {
        return refusal(address.getAddress());
    }

    /** Why a webhook may not go to this address (4 or 16 bytes), or null when it may. */
    public String refusal(byte[] address) {
        byte[] embedded = embeddedIpv4(address);
        if (isAllowed(address) || (embedded != null && isAllowed(embedded))) {
            return null;
        }
        String what = blocked(address);
        if (what == null && embedded != null) {
            String inner = blocked(embedded);
            if (inner != null) {
                what = inner + ", inside an IPv6 form";
            }
        }
        if (what == null) {
            return null;
        }
        return text(address)
                + " is "
                + what
                + "; webhooks go to public addresses unless an operator allow-lists the network"
                + " (delivery.allowed-networks)";
    }

    /**
     * The addresses to connect to for a host, every one of them checked.
     *
     * @throws RefusedAddressException when any address of the host is refused (a name that resolves
     *     to one public and one private address is refused as a whole)
     * @throws UnknownHostException when the name does not resolve
     */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        byte[] literal = Network.literal(host);
        InetAddress[] addresses =
                literal != null
                        ? new InetAddress[] {InetAddress.getByAddress(host, literal)}
                        : InetAddress.getAllByName(host);
        for (InetAddress a : addresses) {
            String why = refusal(a);
            if (why != null) {
                throw new RefusedAddressException(
                        literal != null ? why : host + " resolves to " + why);
            }
        }
        return addresses;
    }

    /** A host refused by the policy; an {@link UnknownHostException}, so clients give up on it. */
    public static final class RefusedAddressException extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        public RefusedAddressException(String message) {
            super(message);
        }
    }

    private boolean isAllowed(byte[] address) {
        for (Network n : allowed) {
            if (n.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static String blocked(byte[] address) {
        for (Range r : address.length == 4 ? IPV4 : IPV6) {
            if (r.network().contains(address)) {
                return r.what();
            }
        }
        return null;
    }

    /** The IPv4 address inside an IPv6 form that carries one, else null. */
    static byte[] embeddedIpv4(byte[] a) {
        if (a.length != 16) {
            return null;
        }
        if (MAPPED.contains(a)
                || NAT64.contains(a)
                || (COMPATIBLE.contains(a) && !isZeroOrOne(a))) {
            return Arrays.copyOfRange(a, 12, 16);
        }
        if (SIX_TO_FOUR.contains(a)) {
            return Arrays.copyOfRange(a, 2, 6);
        }
        return null;
    }

    private static boolean isZeroOrOne(byte[] a) {
        for (int i = 0; i < 15; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[15] == 0 || a[15] == 1;
    }

    private static String text(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    private static Range range(String cidr, String what) {
        return new Range(Network.parse(cidr), what);
    }
}
