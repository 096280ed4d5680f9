package org.clicktocall.support;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON outside the request bodies (those are read strictly by {@code calls.JsonRequests}): the one mapper the beans
 * share, and lenient reading of other services' answers (Dialpad's), where what cannot be read is null, never an
 * error. Jackson's defaults, not Spring's configured mapper: the shapes written here are fixed by this code.
 */
public final class Json {

    /** Thread-safe; not to be reconfigured. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** The document in {@code text}, or null when there is none or it is not JSON. */
    public static JsonNode tree(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The document in {@code bytes} (UTF-8, as JSON is), or null when there is none or it is not JSON. */
    public static JsonNode tree(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * At most {@code max} bytes of an answer body, empty when there is none. Read into an array of the body's size
     * ({@code available()} is all of it for the in-memory answer camel-http hands over; a stream with more is read
     * on): Camel's stream-to-text conversion allocated some 28 KiB of buffers for a 200-byte answer.
     */
    public static byte[] bytes(InputStream body, int max) {
        if (body == null) {
            return new byte[0];
        }
        try {
            byte[] head = body.readNBytes(Math.min(Math.max(body.available(), 0), max));
            int next = head.length == max ? -1 : body.read();
            if (next == -1) {
                return head;
            }
            byte[] rest = body.readNBytes(max - head.length - 1);
            byte[] all = Arrays.copyOf(head, head.length + 1 + rest.length);
            all[head.length] = (byte) next;
            System.arraycopy(rest, 0, all, head.length + 1, rest.length);
            return all;
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
