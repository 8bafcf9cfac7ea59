package io.causality.ingest.http;

import io.causality.ingest.IpAddresses;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's address from {@code X-Forwarded-For}, behind a known number of trusted proxies. Each
 * proxy appends the address it received the request from, so the entries on the right were written
 * by our proxies and everything to their left by whoever sent the request: the client is the entry
 * the outermost trusted proxy added, the {@code trustedProxies}-th from the right. The leftmost
 * entry is whatever the client chose to write and is never taken.
 */
final class ForwardedFor {
    private ForwardedFor() {}

    /**
     * @param headers every {@code X-Forwarded-For} header of the request, in order
     * @param trustedProxies how many proxies in front of the ingest append to the header
     * @return the client's address, or null when the header does not hold one there (then the
     *     peer's address is used)
     */
    static String client(List<String> headers, int trustedProxies) {
        List<String> entries = new ArrayList<>();
        for (String h : headers) {
            for (String e : h.split(",", -1)) {
                entries.add(e.trim());
            }
        }
        int index = entries.size() - trustedProxies;
        if (index < 0 || entries.isEmpty()) {
            return null;
        }
        return IpAddresses.literal(entries.get(index));
    }
}
