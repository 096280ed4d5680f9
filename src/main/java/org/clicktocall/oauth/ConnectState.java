package org.clicktocall.oauth;

import java.util.Map;

/**
 * A connect state used once (the row use-oauth-state.sql answered), held in finish-dialpad-connect's variable
 * {@code state}. The PKCE verifier is still encrypted; {@link #toString()} does not show it.
 *
 * @param expectedEmail the e-mail the rep's Dialpad account must have, or null for no check
 */
public record ConnectState(String repId, String codeVerifier, String expectedEmail) {

    /** The state's row, or null when the state was unknown, used or expired (no row). */
    public static ConnectState fromRow(Map<String, Object> row) {
        return row == null ? null : new ConnectState((String) row.get("rep_id"), (String) row.get("code_verifier"),
                (String) row.get("expected_email"));
    }

    @Override
    public String toString() {
        return "ConnectState[repId=" + repId + ", emailChecked=" + (expectedEmail != null) + "]";
    }
}
