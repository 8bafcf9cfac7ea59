package io.causality.ingest.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Turns a raw request body into JSON bytes: gzip is inflated, with a hard limit on the inflated
 * size so that a small compressed "bomb" cannot exhaust memory.
 */
public final class BodyDecoder {
    private final long maxDecompressedBytes;

    public BodyDecoder(long maxDecompressedBytes) {
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    public byte[] decode(byte[] raw, String contentEncoding) throws ApiException {
        if (contentEncoding == null || contentEncoding.isBlank()) {
            return raw;
        }
        String enc = contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (enc.equals("identity")) {
            return raw;
        }
        if (!enc.equals("gzip")) {
            throw new ApiException(
                    ApiError.UNSUPPORTED_CONTENT_ENCODING,
                    "Content-Encoding '"
                            + contentEncoding
                            + "' is not supported; send gzip or none");
        }
        return gunzip(raw);
    }

    private byte[] gunzip(byte[] raw) throws ApiException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 8192)) {
            ByteArrayOutputStream out =
                    new ByteArrayOutputStream(Math.min(raw.length * 4, 1 << 20));
            byte[] buf = new byte[16384];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxDecompressedBytes) {
                    throw new ApiException(
                            ApiError.DECOMPRESSED_BODY_TOO_LARGE,
                            "the gzip body inflates to more than "
                                    + maxDecompressedBytes
                                    + " bytes; send smaller batches");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ApiException(
                    ApiError.MALFORMED_GZIP,
                    "the body is marked gzip but is not valid gzip data: " + e.getMessage());
        }
    }
}
