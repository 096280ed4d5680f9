package org.clicktocall.tokens;

import java.sql.Timestamp;
import java.util.Map;

import org.clicktocall.support.SqlParameters;

/**
 * A rep's Dialpad token as PUT /reps/{rep_id}/dialpad-token stores it (upsert-rep-token.sql), held in the import
 * route's variable {@code token}. Both tokens are already encrypted; {@link #toString()} shows neither.
 *
 * @param expiresAt        null when the import gave no expiry
 * @param outboundCallerId E.164 or "blocked", or null
 */
public record ImportedToken(String repId, String dialpadUserId, String accessToken, String refreshToken,
                            Timestamp expiresAt, String scope, String outboundCallerId, String deviceId)
        implements SqlParameters {

    @Override
    public Map<String, Object> sqlParameters() {
        return SqlParameters.of("repId", repId, "dialpadUserId", dialpadUserId, "accessToken", accessToken,
                "refreshToken", refreshToken, "expiresAt", expiresAt, "scope", scope,
                "outboundCallerId", outboundCallerId, "deviceId", deviceId);
    }

    @Override
    public String toString() {
        return "ImportedToken[repId=" + repId + ", dialpadUserId=" + dialpadUserId + ", expiresAt=" + expiresAt
                + ", refreshable=" + (refreshToken != null) + "]";
    }
}
