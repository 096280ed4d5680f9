package org.clicktocall.oauth;

import java.sql.Timestamp;
import java.util.Map;

import org.clicktocall.support.SqlParameters;

/**
 * The tokens a callback's code was exchanged for, encrypted, held in finish-dialpad-connect's variable
 * {@code tokens}: store-connected-token.sql's parameters once {@code dialpadUserId} is known (from users/me).
 * {@link #toString()} shows neither token.
 */
public record ConnectedToken(String repId, String dialpadUserId, String accessToken, String refreshToken,
                             Timestamp expiresAt, String scope) implements SqlParameters {

    /** The same tokens, now known to belong to this Dialpad user. */
    public ConnectedToken ofDialpadUser(String id) {
        return new ConnectedToken(repId, id, accessToken, refreshToken, expiresAt, scope);
    }

    @Override
    public Map<String, Object> sqlParameters() {
        return SqlParameters.of("repId", repId, "dialpadUserId", dialpadUserId, "accessToken", accessToken,
                "refreshToken", refreshToken, "expiresAt", expiresAt, "scope", scope);
    }

    @Override
    public String toString() {
        return "ConnectedToken[repId=" + repId + ", dialpadUserId=" + dialpadUserId + ", expiresAt=" + expiresAt
                + ", refreshable=" + (refreshToken != null) + "]";
    }
}
