package org.clicktocall.calls;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rep's Dialpad token row as the click reads it (start-click.sql, find-rep-token.sql). The access token is
 * still encrypted; {@link #toString()} never shows it.
 *
 * @param status      active or disconnected (revoked: the rep must reconnect)
 * @param refreshable a refresh token is stored
 */
public record RepToken(String dialpadUserId, String encryptedAccessToken, String outboundCallerId, String deviceId,
                       Instant expiresAt, String status, boolean refreshable) {

    /** The token columns of a row, or null when the row has none. */
    public static RepToken fromRow(Map<String, Object> row) {
        if (row == null || row.get("access_token") == null && row.get("dialpad_user_id") == null) {
            return null;
        }
        Object expires = row.get("expires_at");
        Instant expiresAt = expires instanceof java.sql.Timestamp ts ? ts.toInstant()
                : expires instanceof java.time.OffsetDateTime odt ? odt.toInstant() : null;
        return new RepToken((String) row.get("dialpad_user_id"), (String) row.get("access_token"),
                (String) row.get("outbound_caller_id"), (String) row.get("device_id"), expiresAt,
                (String) row.get("status"), Boolean.TRUE.equals(row.get("refreshable")));
    }

    public boolean disconnected() {
        return "disconnected".equals(status);
    }

    private static final Pattern USER_ID = Pattern.compile("[0-9]{1,19}");

    /** Dialpad's user ids are int64 numbers (sent as text by Dialpad): 1 to 19 digits that fit a long. */
    public boolean hasDialpadUserId() {
        if (dialpadUserId == null || !USER_ID.matcher(dialpadUserId).matches()) {
            return false;
        }
        try {
            return Long.parseLong(dialpadUserId) > 0;
        } catch (NumberFormatException tooLarge) {
            return false;
        }
    }

    /** An access token that expires within 30 s is refreshed before dialling (when it can be). */
    public boolean expiresBefore(Instant when) {
        return refreshable && expiresAt != null && expiresAt.isBefore(when);
    }

    @Override
    public String toString() {
        return "RepToken[dialpadUserId=" + dialpadUserId + ", status=" + status + ", expiresAt=" + expiresAt
                + ", refreshable=" + refreshable + "]";
    }
}
