package org.clicktocall.tokens;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.clicktocall.calls.JsonRequests;
import org.clicktocall.calls.PhoneNumbers;
import org.clicktocall.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * Reads PUT /reps/{rep_id}/dialpad-token (operations importing tokens obtained elsewhere) into the encrypted
 * row the import route upserts. The answer describes the stored connection and never echoes a token.
 */
@Component("tokenImports")
public class TokenImports {

    static final Set<String> FIELDS = Set.of("access_token", "refresh_token", "expires_in", "expires_at",
            "dialpad_user_id", "scope", "outbound_caller_id", "device_id");
    private static final int MAX_TOKEN_LENGTH = 8192;

    private final TokenCipher cipher;
    private final PhoneNumbers phoneNumbers;

    public TokenImports(TokenCipher cipher, PhoneNumbers phoneNumbers) {
        this.cipher = cipher;
        this.phoneNumbers = phoneNumbers;
    }

    /** Validates the path's rep id (the same rules as rep_id in POST /calls). */
    public String repId(String repId) {
        return JsonRequests.repId(repId);
    }

    public Map<String, Object> parse(String repId, String body) {
        JsonNode json = JsonRequests.object(body, FIELDS);
        Map<String, Object> row = new HashMap<>();
        row.put("repId", repId);
        row.put("dialpadUserId", dialpadUserId(json.get("dialpad_user_id")));
        row.put("accessToken", cipher.encrypt(repId, "access_token", token(json, "access_token", true)));
        row.put("refreshToken", cipher.encrypt(repId, "refresh_token", token(json, "refresh_token", false)));
        row.put("expiresAt", expiresAt(json));
        row.put("scope", JsonRequests.optionalString(json, "scope"));
        String callerId = JsonRequests.optionalString(json, "outbound_caller_id");
        row.put("outboundCallerId", callerId == null || "blocked".equals(callerId) ? callerId : phoneNumbers.toE164(callerId));
        row.put("deviceId", JsonRequests.optionalString(json, "device_id"));
        return row;
    }

    /** The 200 answer: what is now stored for the rep, without the tokens. */
    public Map<String, Object> stored(Map<String, Object> row) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("rep_id", row.get("repId"));
        answer.put("connected", true);
        answer.put("status", "active");
        answer.put("dialpad_user_id", row.get("dialpadUserId"));
        answer.put("scope", row.get("scope"));
        Object expiresAt = row.get("expiresAt");
        answer.put("expires_at", expiresAt == null ? null : ((Timestamp) expiresAt).toInstant().toString());
        answer.put("has_refresh_token", row.get("refreshToken") != null);
        return answer;
    }

    private static String token(JsonNode json, String field, boolean required) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw ApiException.badRequest("invalid_request", field + " is required");
            }
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > MAX_TOKEN_LENGTH
                || value.asText().chars().anyMatch(c -> c <= ' ' || c > '~')) {
            // Deliberately vague: the message must never quote the token.
            throw ApiException.badRequest("invalid_request", field + " must be a non-empty string of printable ASCII"
                    + " without spaces, at most " + MAX_TOKEN_LENGTH + " characters");
        }
        return value.asText();
    }

    private static String dialpadUserId(JsonNode value) {
        String id = value == null || value.isNull() ? null : value.isIntegralNumber() ? value.asText()
                : value.isTextual() ? value.asText() : null;
        if (id == null || !id.matches("[0-9]{1,19}")) {
            throw ApiException.badRequest("invalid_request",
                    "dialpad_user_id is required: the rep's numeric Dialpad user id (GET /api/v2/users/me → id)");
        }
        return id;
    }

    private static Timestamp expiresAt(JsonNode json) {
        JsonNode in = json.get("expires_in");
        JsonNode at = json.get("expires_at");
        boolean hasIn = in != null && !in.isNull();
        boolean hasAt = at != null && !at.isNull();
        if (hasIn && hasAt) {
            throw ApiException.badRequest("invalid_request", "Give expires_in or expires_at, not both");
        }
        if (hasIn) {
            if (!in.canConvertToLong() || !in.isIntegralNumber() || in.asLong() <= 0 || in.asLong() > 31_536_000L * 10) {
                throw ApiException.badRequest("invalid_request", "expires_in must be a positive number of seconds");
            }
            return Timestamp.from(Instant.now().plusSeconds(in.asLong()));
        }
        if (hasAt) {
            try {
                return Timestamp.from(OffsetDateTime.parse(at.asText()).toInstant());
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("invalid_request",
                        "expires_at must be an ISO-8601 timestamp with offset, e.g. 2026-01-01T12:00:00Z");
            }
        }
        return null;
    }
}
