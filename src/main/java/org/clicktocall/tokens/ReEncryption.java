package org.clicktocall.tokens;

import java.util.Map;

import org.clicktocall.support.SqlParameters;

/**
 * One token row rewritten under the current key (save-reencrypted-token.sql), or found undecryptable
 * (disconnect-undecryptable-token.sql: then the tokens are null). Both statements are version-checked.
 * {@link #toString()} never shows a token.
 */
public record ReEncryption(String repId, Object version, String accessToken, String refreshToken,
                           boolean undecryptable) implements SqlParameters {

    @Override
    public Map<String, Object> sqlParameters() {
        return SqlParameters.of("repId", repId, "version", version, "accessToken", accessToken,
                "refreshToken", refreshToken);
    }

    @Override
    public String toString() {
        return "ReEncryption[repId=" + repId + ", version=" + version + ", undecryptable=" + undecryptable + "]";
    }
}
