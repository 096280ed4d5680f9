package org.clicktocall.calls;

import org.clicktocall.tokens.TokenCipher;
import org.springframework.stereotype.Component;

/**
 * The rep's Authorization value for Dialpad: "Bearer " + the decrypted access token. It lives only in the Camel
 * variable {@code bearer} of one click, never in the attempt, a log or an answer.
 */
@Component("repCredentials")
public class RepCredentials {

    private final TokenCipher cipher;

    public RepCredentials(TokenCipher cipher) {
        this.cipher = cipher;
    }

    /**
     * The bearer value, or null when the token cannot be used: none, revoked, or one that does not decrypt (copied
     * from another row, or under a key this instance lacks).
     */
    public String bearer(CallAttempt attempt, RepToken token) {
        if (token == null || token.disconnected() || token.encryptedAccessToken() == null) {
            return null;
        }
        try {
            return "Bearer " + cipher.decrypt(attempt.request().repId(), "access_token", token.encryptedAccessToken());
        } catch (TokenCipher.TokenDecryptionException e) {
            return null;
        }
    }
}
