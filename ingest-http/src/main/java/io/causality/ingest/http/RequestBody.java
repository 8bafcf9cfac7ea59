package io.causality.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.causality.schemas.EventJson;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A request body as JSON: strictly UTF-8, parsed within the limits of the event reader, and split
 * into the events of its endpoint. Every way it can fail is an {@link ApiException} with a stable
 * code and a message that says what to fix; no HTTP here.
 */
final class RequestBody {
    private final ObjectReader reader;

    RequestBody(ObjectReader reader) {
        this.reader = reader;
    }

    /**
     * The body must be JSON: {@code application/json}, or {@code text/plain} as browsers send it.
     */
    static void checkContentType(String contentType) throws ApiException {
        if (contentType == null) {
            return;
        }
        String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/json") && !mime.equals("text/plain")) {
            throw new ApiException(
                    ApiError.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type " + mime + " is not accepted; send application/json");
        }
    }

    static List<JsonNode> items(Endpoint endpoint, JsonNode root) throws ApiException {
        List<JsonNode> out = new ArrayList<>();
        if (!endpoint.batch()) {
            if (!root.isObject()) {
                throw new ApiException(
                        ApiError.MALFORMED_JSON,
                        "the body must be one JSON object (an event); for several use the batch endpoint");
            }
            out.add(root);
            return out;
        }
        String field = endpoint.api() == Endpoint.Api.SEGMENT ? "batch" : "events";
        JsonNode array =
                root.isArray() && endpoint.api() == Endpoint.Api.NATIVE ? root : root.get(field);
        if (array == null || !array.isArray()) {
            throw new ApiException(
                    ApiError.INVALID_BATCH, "the body must be {\"" + field + "\": [ ...events ]}");
        }
        array.forEach(out::add);
        return out;
    }

    JsonNode parse(byte[] json) throws ApiException {
        if (json.length == 0) {
            throw new ApiException(ApiError.MALFORMED_JSON, "the body is empty; send JSON");
        }
        checkUtf8(json);
        try {
            JsonNode root = reader.readTree(json);
            if (root == null || root.isMissingNode()) {
                throw new ApiException(ApiError.MALFORMED_JSON, "the body is empty; send JSON");
            }
            return root;
        } catch (StreamConstraintsException e) {
            if (e.getMessage() != null && e.getMessage().contains("nesting depth")) {
                throw new ApiException(
                        ApiError.TOO_DEEP,
                        "JSON nested deeper than " + EventJson.MAX_NESTING_DEPTH + " levels");
            }
            throw new ApiException(
                    ApiError.MALFORMED_JSON,
                    "JSON exceeds a parser limit: " + firstLine(e.getOriginalMessage()));
        } catch (CharConversionException e) {
            throw new ApiException(ApiError.INVALID_ENCODING, "the body is not valid UTF-8");
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            if (message != null && message.contains("UTF-8")) {
                throw new ApiException(
                        ApiError.INVALID_ENCODING,
                        "the body is not valid UTF-8: " + firstLine(message));
            }
            throw new ApiException(
                    ApiError.MALFORMED_JSON,
                    "the body is not valid JSON at line "
                            + e.getLocation().getLineNr()
                            + ", column "
                            + e.getLocation().getColumnNr()
                            + ": "
                            + firstLine(message));
        } catch (IOException e) {
            throw new ApiException(ApiError.MALFORMED_JSON, "the body could not be read as JSON");
        }
    }

    /**
     * Jackson accepts some ill-formed UTF-8 (overlong forms such as C0 AF for '/'), a classic way
     * to slip characters past filters; the JDK's decoder refuses every ill-formed sequence. Pure
     * ASCII bodies, the common case, skip the decode.
     */
    private static void checkUtf8(byte[] json) throws ApiException {
        boolean ascii = true;
        for (byte b : json) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return;
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json));
        } catch (CharacterCodingException e) {
            throw new ApiException(
                    ApiError.INVALID_ENCODING,
                    "the body is not valid UTF-8; send UTF-8 encoded JSON");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
