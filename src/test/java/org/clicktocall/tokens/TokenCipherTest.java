package org.clicktocall.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Base64;

import org.clicktocall.LocalDataFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCipherTest {

    static final String KEY_A = TokenCipher.newKey();
    static final String KEY_B = TokenCipher.newKey();

    @TempDir
    Path dataDir;

    TokenCipher cipher(String key, String previous) {
        return new TokenCipher(key, previous, new LocalDataFolder(dataDir.toString()));
    }

    @Test
    void roundTripsWithAFreshNoncePerValue() {
        TokenCipher cipher = cipher(KEY_A, "");
        String first = cipher.encrypt("rep-1", "access_token", "secret-token");
        String second = cipher.encrypt("rep-1", "access_token", "secret-token");

        assertThat(first).isNotEqualTo(second).doesNotContain("secret-token");
        assertThat(cipher.decrypt("rep-1", "access_token", first)).isEqualTo("secret-token");
        assertThat(cipher.decrypt("rep-1", "access_token", second)).isEqualTo("secret-token");
    }

    @Test
    void aCiphertextCopiedToAnotherRepOrColumnDoesNotDecrypt() {
        TokenCipher cipher = cipher(KEY_A, "");
        String stored = cipher.encrypt("rep-1", "access_token", "secret-token");

        assertThatThrownBy(() -> cipher.decrypt("rep-2", "access_token", stored))
                .isInstanceOf(TokenCipher.TokenDecryptionException.class).hasMessageNotContaining("secret-token");
        assertThatThrownBy(() -> cipher.decrypt("rep-1", "refresh_token", stored))
                .isInstanceOf(TokenCipher.TokenDecryptionException.class);
    }

    @Test
    void aTamperedCiphertextDoesNotDecrypt() {
        TokenCipher cipher = cipher(KEY_A, "");
        String stored = cipher.encrypt("rep-1", "access_token", "secret-token");
        int colon = stored.indexOf(':');
        byte[] sealed = Base64.getDecoder().decode(stored.substring(colon + 1));
        sealed[sealed.length / 2] ^= 0x01;
        String tampered = stored.substring(0, colon + 1) + Base64.getEncoder().encodeToString(sealed);

        assertThatThrownBy(() -> cipher.decrypt("rep-1", "access_token", tampered))
                .isInstanceOf(TokenCipher.TokenDecryptionException.class);
    }

    @Test
    void thePreviousKeyStillDecryptsDuringRotation() {
        String underOldKey = cipher(KEY_A, "").encrypt("rep-1", "access_token", "secret-token");
        TokenCipher rotated = cipher(KEY_B, KEY_A);

        assertThat(rotated.isCurrent(underOldKey)).isFalse();
        assertThat(rotated.decrypt("rep-1", "access_token", underOldKey)).isEqualTo("secret-token");
        assertThat(rotated.isCurrent(rotated.encrypt("rep-1", "access_token", "secret-token"))).isTrue();
        assertThatThrownBy(() -> cipher(KEY_B, "").decrypt("rep-1", "access_token", underOldKey))
                .hasMessageContaining("key this instance does not have");
    }

    @Test
    void aMalformedKeyFailsAtStartNamingTheSetting() {
        assertThatThrownBy(() -> cipher("not base64 !!", "")).hasMessageContaining("TOKEN_ENCRYPTION_KEY must be base64");
        assertThatThrownBy(() -> cipher("c2hvcnQ=", "")).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> cipher(KEY_A, "c2hvcnQ=")).hasMessageContaining("TOKEN_ENCRYPTION_KEY_PREVIOUS");
    }

    @Test
    void withoutAConfiguredKeyOneIsGeneratedAndKeptAcrossRestarts() {
        String stored = cipher("", "").encrypt("rep-1", "access_token", "secret-token");
        assertThat(dataDir.resolve("token-encryption.key")).exists();
        assertThat(cipher("", "").decrypt("rep-1", "access_token", stored)).isEqualTo("secret-token");
    }
}
