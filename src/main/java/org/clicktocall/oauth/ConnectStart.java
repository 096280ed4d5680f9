package org.clicktocall.oauth;

import java.sql.Timestamp;
import java.util.Map;

import org.clicktocall.support.SqlParameters;

/**
 * A started connect, held in start-dialpad-connect's variable {@code connect}: the row save-oauth-state.sql stores
 * (only the state's hash, the PKCE verifier encrypted) and the authorize URL the browser is sent to.
 * {@link #toString()} shows neither the URL (it carries the state) nor the verifier.
 *
 * @param expectedEmail the e-mail the rep's Dialpad account must have, or null for no check
 */
public record ConnectStart(String repId, String stateHash, String codeVerifier, Timestamp expiresAt,
                           String expectedEmail, String authorizeUrl) implements SqlParameters {

    @Override
    public Map<String, Object> sqlParameters() {
        return SqlParameters.of("repId", repId, "stateHash", stateHash, "codeVerifier", codeVerifier,
                "expiresAt", expiresAt, "expectedEmail", expectedEmail);
    }

    @Override
    public String toString() {
        return "ConnectStart[repId=" + repId + ", expiresAt=" + expiresAt + ", emailChecked=" + (expectedEmail != null) + "]";
    }
}
