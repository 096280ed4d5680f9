package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.clicktocall.support.ServiceTest;
import org.clicktocall.tokens.TokenCipher;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** Tokens stored under the previous key still work, and one admin call rewrites them all under the new key. */
@TestPropertySource(properties = {
        "tokens.encryption-key=" + KeyRotationTest.NEW_KEY,
        "tokens.previous-encryption-key=" + ServiceTest.ENCRYPTION_KEY})
class KeyRotationTest extends ServiceTest {

    static final String NEW_KEY = "bmV3LWtleS0wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc=";

    @Autowired
    TokenCipher cipher;

    @Test
    void rotationReEncryptsEveryRowAndNoDumpShowsAToken() {
        TokenCipher old = new TokenCipher(ENCRYPTION_KEY, "", new org.clicktocall.LocalDataFolder("target/test-data/old-key"));
        for (int i = 0; i < 5; i++) {
            String rep = "rep-rotate-" + i;
            jdbc.update("INSERT INTO dialpad_tokens (rep_id, dialpad_user_id, access_token, refresh_token) VALUES (?, ?, ?, ?)",
                    rep, String.valueOf(100 + i), old.encrypt(rep, "access_token", ACCESS_TOKEN + i), old.encrypt(rep, "refresh_token", REFRESH_TOKEN + i));
        }

        Answer answer = send("POST", "/admin/tokens/re-encrypt", null, "X-API-Key", ADMIN_KEY);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("re_encrypted").asInt()).isGreaterThanOrEqualTo(5);
        List<String> stored = jdbc.queryForList("SELECT access_token FROM dialpad_tokens WHERE rep_id LIKE 'rep-rotate-%'", String.class);
        assertThat(stored).hasSize(5).allSatisfy(value -> assertThat(cipher.isCurrent(value)).isTrue());
        assertThat(cipher.decrypt("rep-rotate-3", "access_token", stored.get(0).isEmpty() ? null
                : jdbc.queryForObject("SELECT access_token FROM dialpad_tokens WHERE rep_id = 'rep-rotate-3'", String.class)))
                .isEqualTo(ACCESS_TOKEN + 3);
        assertThat(send("POST", "/admin/tokens/re-encrypt", null, "X-API-Key", ADMIN_KEY).json().get("re_encrypted").asInt()).isZero();

        // a dump of every table that holds secrets shows no plaintext token
        String dump = String.join("\n", jdbc.queryForList(
                "SELECT t::text FROM dialpad_tokens t UNION ALL SELECT s::text FROM oauth_states s", String.class));
        assertThat(dump).doesNotContain(ACCESS_TOKEN).doesNotContain(REFRESH_TOKEN);
    }

    @Test
    void aCiphertextSwappedIntoAnotherRepsRowDoesNotDecrypt() {
        connectRep("rep-swap-a");
        connectRep("rep-swap-b");
        jdbc.update("UPDATE dialpad_tokens SET access_token = (SELECT access_token FROM dialpad_tokens WHERE rep_id = 'rep-swap-a')"
                + " WHERE rep_id = 'rep-swap-b'");

        Answer answer = postCall("{\"rep_id\": \"rep-swap-b\", \"to_number\": \"5551234567\"}");

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("reason").asText()).isEqualTo("not_connected");
        assertThat(answer.json().get("message").asText()).contains("Reconnect Dialpad");
        assertThat(answer.body()).doesNotContain(ACCESS_TOKEN);
        assertThat(dialpadRequests()).isEmpty();
        assertThat(breaker().getNumberOfFailedCalls()).isZero();
    }
}
