package org.clicktocall.tokens;

import java.util.HashMap;
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

    /** One row's tokens under the current key, for the version-checked update. */
    public Map<String, Object> reencrypt(Map<String, Object> row) {
        String repId = (String) row.get("rep_id");
        Map<String, Object> updated = new HashMap<>();
        updated.put("repId", repId);
        updated.put("version", row.get("version"));
        updated.put("accessToken", cipher.reencrypt(repId, "access_token", (String) row.get("access_token")));
        updated.put("refreshToken", cipher.reencrypt(repId, "refresh_token", (String) row.get("refresh_token")));
        return updated;
    }

    public Map<String, Object> answer(Number count) {
        return Map.of("re_encrypted", count == null ? 0 : count.intValue(),
                "key_pattern", cipher.currentKeyPattern().replace(":%", ""));
    }

    public int add(int total, int batch) {
        return total + batch;
    }
}
