package org.clicktocall.tokens;

import java.util.List;
import java.util.Map;

import org.clicktocall.api.ReEncryptionReport;
import org.clicktocall.support.SqlParameters;
import org.springframework.stereotype.Component;

/**
 * Key rotation for tokens at rest: after TOKEN_ENCRYPTION_KEY gets a new key (the old one in
 * TOKEN_ENCRYPTION_KEY_PREVIOUS), the re-encrypt-tokens route rewrites every row under the new key. Each method is a
 * function of its arguments and the keys.
 */
@Component("tokenRotation")
public class TokenRotation {

    private final TokenCipher cipher;

    public TokenRotation(TokenCipher cipher) {
        this.cipher = cipher;
    }

    /**
     * The current key, as the rotation's statements read it.
     *
     * @param currentKeyPattern SQL LIKE pattern of values encrypted under the current key ({@code k1a2b3c4d:%})
     */
    public record Keys(String currentKeyPattern) implements SqlParameters {

        /** The key's public id, as stored values start with it. */
        public String currentKeyId() {
            return currentKeyPattern.replace(":%", "");
        }

        @Override
        public Map<String, Object> sqlParameters() {
            return SqlParameters.of("currentKeyPattern", currentKeyPattern);
        }
    }

    /** The current key of this instance. */
    public Keys keys() {
        return new Keys(cipher.currentKeyPattern());
    }

    /**
     * One row's tokens under the current key, for the version-checked update; or, when no key decrypts them,
     * {@code undecryptable} with only the row's id and version, so the route disconnects it instead.
     */
    public ReEncryption reencrypt(Map<String, Object> row) {
        String repId = (String) row.get("rep_id");
        Object version = row.get("version");
        try {
            return new ReEncryption(repId, version,
                    cipher.reencrypt(repId, "access_token", (String) row.get("access_token")),
                    cipher.reencrypt(repId, "refresh_token", (String) row.get("refresh_token")), false);
        } catch (TokenCipher.TokenDecryptionException e) {
            return new ReEncryption(repId, version, null, null, true);
        }
    }

    /** The total after one batch: each save's update count is 1, or 0 when a refresh claimed the row meanwhile. */
    public int add(int total, List<?> updateCounts) {
        int changed = total;
        for (Object count : updateCounts) {
            changed += count instanceof Number n ? n.intValue() : 0;
        }
        return changed;
    }

    /**
     * The answer: rows rewritten, the current key's id, and what count-tokens-under-old-keys.sql found left: rows
     * whose refresh was in flight (the refresh saves them under the current key; call again to confirm zero) and
     * rows no key decrypts.
     */
    public ReEncryptionReport report(Number rewritten, Map<String, Object> left, Keys keys) {
        return new ReEncryptionReport(rewritten == null ? 0 : rewritten.intValue(), keys.currentKeyId(),
                left != null && left.get("in_refresh") instanceof Number n ? n.intValue() : 0,
                left != null && left.get("undecryptable") instanceof Number n ? n.intValue() : 0);
    }
}
