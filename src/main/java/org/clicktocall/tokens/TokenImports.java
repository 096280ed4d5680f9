package org.clicktocall.tokens;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.clicktocall.api.RepConnection;
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

    /** The body, checked, with both tokens encrypted for the rep (400 on bad input; the message never quotes a token). */
    public ImportedToken parse(String repId, String body) {
        JsonNode json = JsonRequests.object(body, FIELDS);
        String dialpadUserId = dialpadUserId(json.get("dialpad_user_id"));
        String accessToken = token(json, "access_token", true);
        String refreshToken = token(json, "refresh_token", false);
        return new ImportedToken(repId, dialpadUserId,
                cipher.encrypt(repId, "access_token", accessToken),
                cipher.encrypt(repId, "refresh_token", refreshToken),
                expiresAt(json),
                JsonRequests.optionalString(json, "scope"),
                outboundCallerId(JsonRequests.optionalString(json, "outbound_caller_id")),
                deviceId(JsonRequests.optionalString(json, "device_id")));
    }

    /**
     * The import was refused by the one-rep-per-Dialpad-user index: another rep is connected to this Dialpad user.
     * Operations must disconnect that rep first (DELETE /reps/{rep_id}/dialpad).
     */
    public void userInUse() {
        throw new ApiException(409, "dialpad_user_in_use", "This dialpad_user_id is already connected to another rep;"
                + " disconnect that rep first (DELETE /reps/{rep_id}/dialpad)");
    }

    /** The 200 answer: what is now stored for the rep, without the tokens. */
    public RepConnection stored(ImportedToken token) {
        return new RepConnection(token.repId(), true, "active", token.dialpadUserId(), token.scope(),
                token.expiresAt() == null ? null : token.expiresAt().toInstant().toString(),
                token.refreshToken() != null);
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

    /**
     * Dialpad's user ids are positive int64 values (sent as {@code user_id} in every call request): anything else
     * stored here would fail every click of the rep, or the request itself, instead of this import.
     */
    private static String dialpadUserId(JsonNode value) {
        String id = value == null || value.isNull() ? null : value.isIntegralNumber() ? value.asText()
                : value.isTextual() ? value.asText() : null;
        if (!isPositiveInt64(id)) {
            throw ApiException.badRequest("invalid_request", "dialpad_user_id is required: the rep's numeric Dialpad"
                    + " user id (GET /api/v2/users/me → id), a positive 64-bit integer");
        }
        return id;
    }

    /** E.164 (any format libphonenumber normalises, as for to_number) or Dialpad's literal "blocked". */
    private String outboundCallerId(String callerId) {
        if (callerId == null || "blocked".equals(callerId)) {
            return callerId;
        }
        try {
            return phoneNumbers.toE164(callerId);
        } catch (ApiException e) {
            throw ApiException.badRequest("invalid_request",
                    "outbound_caller_id must be a phone number (stored as E.164) or \"blocked\"");
        }
    }

    /** A Dialpad device id: digits of a positive int64 (Dialpad's ids), so it can only ring that device. */
    private static String deviceId(String deviceId) {
        if (deviceId != null && !isPositiveInt64(deviceId)) {
            throw ApiException.badRequest("invalid_request", "device_id must be a Dialpad device id: digits of a"
                    + " positive 64-bit integer");
        }
        return deviceId;
    }

    /** ASCII digits without sign, spaces or leading zeros, within 1 .. Long.MAX_VALUE. */
    public static boolean isPositiveInt64(String value) {
        if (value == null || !value.matches("[1-9][0-9]{0,18}")) {
            return false;
        }
        try {
            return Long.parseLong(value) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
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
