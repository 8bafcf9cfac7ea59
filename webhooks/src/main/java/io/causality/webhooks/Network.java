package io.causality.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A block of addresses in CIDR form ({@code 10.0.0.0/8}, {@code fc00::/7}, or one address, which is
 * a /32 or /128).
 */
public record Network(byte[] prefix, int bits) {

    /**
     * @throws IllegalArgumentException when the text is not an address literal with an optional
     *     prefix length that fits it
     */
    public static Network parse(String cidr) {
        String text = cidr.trim();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException(
                    "not a network: " + cidr + " (write an address or address/prefix-length)");
        }
        int bits = bytes.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > bytes.length * 8) {
                throw new IllegalArgumentException(
                        "not a network: "
                                + cidr
                                + " (the prefix length is 0 to "
                                + bytes.length * 8
                                + ")");
            }
        }
        return new Network(bytes, bits);
    }

    /** Whether the address (4 or 16 bytes) lies in this block; an IPv4 block holds no IPv6 one. */
    public boolean contains(byte[] address) {
        if (address.length != prefix.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != prefix[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (prefix[full] & mask);
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(prefix).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Network n
                && n.bits == bits
                && java.util.Arrays.equals(n.prefix, prefix);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(prefix) + bits;
    }

    /**
     * The bytes of an IP address literal, never a DNS lookup: null when the text is not one. IPv6
     * keeps its 16 bytes (the JDK would turn {@code ::ffff:a.b.c.d} into 4).
     */
    static byte[] literal(String text) {
        String s =
                text.startsWith("[") && text.endsWith("]")
                        ? text.substring(1, text.length() - 1)
                        : text;
        if (s.isEmpty()) {
            return null;
        }
        if (s.indexOf(':') >= 0) {
            return ipv6(s);
        }
        return ipv4(s);
    }

    private static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return null;
            }
            if (p.length() > 1 && p.charAt(0) == '0') {
                return null; // 010 is octal to some parsers: refuse the ambiguity
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] ipv6(String s) {
        if (s.indexOf('%') >= 0) {
            return null; // zone ids belong to link-local addresses, refused anyway
        }
        byte[] out = new byte[16];
        String head = s;
        String tail = "";
        int gap = s.indexOf("::");
        if (gap >= 0) {
            if (s.indexOf("::", gap + 1) >= 0) {
                return null;
            }
            head = s.substring(0, gap);
            tail = s.substring(gap + 2);
        }
        int[] headGroups = groups(head);
        int[] tailGroups = groups(tail);
        if (headGroups == null || tailGroups == null) {
            return null;
        }
        int total = headGroups.length + tailGroups.length;
        if (gap < 0 ? total != 8 : total > 7) {
            return null;
        }
        for (int i = 0; i < headGroups.length; i++) {
            out[2 * i] = (byte) (headGroups[i] >> 8);
            out[2 * i + 1] = (byte) headGroups[i];
        }
        for (int i = 0; i < tailGroups.length; i++) {
            int at = 8 - tailGroups.length + i;
            out[2 * at] = (byte) (tailGroups[i] >> 8);
            out[2 * at + 1] = (byte) tailGroups[i];
        }
        return out;
    }

    /** 16-bit groups of part of an IPv6 literal; a last group may be dotted IPv4 (two groups). */
    private static int[] groups(String part) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] texts = part.split(":", -1);
        int n = texts.length;
        String last = texts[n - 1];
        boolean dotted = last.indexOf('.') >= 0;
        int[] out = new int[dotted ? n + 1 : n];
        for (int i = 0; i < (dotted ? n - 1 : n); i++) {
            String g = texts[i];
            if (g.isEmpty()
                    || g.length() > 4
                    || !g.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return null;
            }
            out[i] = Integer.parseInt(g, 16);
        }
        if (dotted) {
            byte[] v4 = ipv4(last);
            if (v4 == null) {
                return null;
            }
            out[n - 1] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
            out[n] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        }
        return out;
    }
}
