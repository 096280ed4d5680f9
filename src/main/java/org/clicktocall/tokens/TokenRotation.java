package org.clicktocall.tokens;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * Key rotation for tokens at rest: after TOKEN_ENCRYPTION_KEY gets a new key (the old one in
 * TOKEN_ENCRYPTION_KEY_PREVIOUS), the re-encrypt-tokens route rewrites every row under the new key.
 */
@Component("tokenRotation")
public class TokenRotation {

    private final TokenCipher cipher;

    public TokenRotation(TokenCipher cipher) {
        this.cipher = cipher;
    }

    public Map<String, Object> parameters() {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("currentKeyPattern", cipher.currentKeyPattern());
        return parameters;
    }

    /**
     * One row's tokens under the current key, for the version-checked update; or, when no key decrypts them,
     * {@code undecryptable: true} and the row's id and version, so the route disconnects it instead.
     */
    public Map<String, Object> reencrypt(Map<String, Object> row) {
        String repId = (String) row.get("rep_id");
        Map<String, Object> updated = new HashMap<>();
        updated.put("repId", repId);
        updated.put("version", row.get("version"));
        try {
            updated.put("accessToken", cipher.reencrypt(repId, "access_token", (String) row.get("access_token")));
            updated.put("refreshToken", cipher.reencrypt(repId, "refresh_token", (String) row.get("refresh_token")));
            updated.put("undecryptable", false);
        } catch (TokenCipher.TokenDecryptionException e) {
            updated.put("undecryptable", true);
        }
        return updated;
    }

    /**
     * The answer: rows rewritten, the current key's id, and rows still under an old key because their refresh was
     * in flight (the refresh saves them under the current key; call again to confirm zero).
     */
    public Map<String, Object> answer(Number count, Map<String, Object> left) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("re_encrypted", count == null ? 0 : count.intValue());
        answer.put("key_pattern", cipher.currentKeyPattern().replace(":%", ""));
        answer.put("skipped_in_refresh", left.get("in_refresh") instanceof Number n ? n.intValue() : 0);
        answer.put("undecryptable", left.get("undecryptable") instanceof Number n ? n.intValue() : 0);
        return answer;
    }

    /** Adds the rows one batch's saves changed (each save's update count: 1, or 0 when the row was claimed). */
    public int add(int total, List<?> updateCounts) {
        int changed = total;
        for (Object count : updateCounts) {
            changed += count instanceof Number n ? n.intValue() : 0;
        }
        return changed;
    }
}
