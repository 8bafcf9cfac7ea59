package io.causality.jobs.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Ids made from what they identify, so that a replay or a restart makes the same ones. */
public final class StableIds {
    private StableIds() {}

    /** 128 bits of SHA-256, hex: the same inputs give the same id after a replay. */
    public static String of(String of) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256")
                            .digest(of.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
