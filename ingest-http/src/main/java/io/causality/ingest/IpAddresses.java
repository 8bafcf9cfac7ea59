package io.causality.ingest;

/**
 * Client addresses as the server stores them in {@code context.ip}: an IPv4 or IPv6 literal, or
 * nothing. An {@code X-Forwarded-For} entry is text a client may have written; whatever is not an
 * address literal (a name, a port, garbage, text longer than the schema's limit) is not stored.
 */
public final class IpAddresses {
    /** The longest IPv6 literal (with an embedded IPv4 address) has 45 characters. */
    private static final int MAX_LENGTH = 45;

    private IpAddresses() {}

    /** The address literal, trimmed, or null when the text is not one. */
    public static String literal(String text) {
        if (text == null) {
            return null;
        }
        String s = text.trim();
        if (s.isEmpty() || s.length() > MAX_LENGTH) {
            return null;
        }
        return s.indexOf(':') >= 0 ? ipv6(s) : ipv4(s) ? s : null;
    }

    private static boolean ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return false;
            }
            if (Integer.parseInt(p) > 255 || (p.length() > 1 && p.charAt(0) == '0')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Only hex digits, colons and dots reach the JDK, which reads a text with a colon as an IPv6
     * literal and never looks it up.
     */
    private static String ipv6(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ':' && c != '.' && Character.digit(c, 16) < 0) {
                return null;
            }
        }
        try {
            return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address
                            || s.indexOf('.') >= 0
                    ? s
                    : null;
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
