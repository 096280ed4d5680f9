package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.camel.ProducerTemplate;
import org.awaitility.Awaitility;

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
    @Autowired
    ProducerTemplate producer;

    @Test
    void aRowNoKeyDecryptsIsDisconnectedAndNeverBlocksTheRotation() {
        TokenCipher old = new TokenCipher(ENCRYPTION_KEY, "", new org.clicktocall.LocalDataFolder("target/test-data/old-key"));
        TokenCipher unknown = new TokenCipher("dW5rbm93bi1rZXktMDEyMzQ1Njc4OWFiY2RlZjAxMjM=", "",
                new org.clicktocall.LocalDataFolder("target/test-data/unknown-key"));
        jdbc.update("INSERT INTO dialpad_tokens (rep_id, dialpad_user_id, access_token, refresh_token) VALUES (?, ?, ?, ?)",
                "rep-lost-key", "8800000000000001", unknown.encrypt("rep-lost-key", "access_token", ACCESS_TOKEN),
                unknown.encrypt("rep-lost-key", "refresh_token", REFRESH_TOKEN));
        jdbc.update("INSERT INTO dialpad_tokens (rep_id, dialpad_user_id, access_token, refresh_token) VALUES (?, ?, ?, ?)",
                "rep-good-key", "8800000000000002", old.encrypt("rep-good-key", "access_token", ACCESS_TOKEN),
                old.encrypt("rep-good-key", "refresh_token", REFRESH_TOKEN));

        Answer first = send("POST", "/admin/tokens/re-encrypt", null, "X-API-Key", ADMIN_KEY);
        Answer again = send("POST", "/admin/tokens/re-encrypt", null, "X-API-Key", ADMIN_KEY);

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("re_encrypted").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(first.json().get("undecryptable").asInt()).isEqualTo(1);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("undecryptable").asInt()).isEqualTo(1);
        assertThat(cipher.isCurrent(jdbc.queryForObject(
                "SELECT access_token FROM dialpad_tokens WHERE rep_id = 'rep-good-key'", String.class))).isTrue();
        assertThat(jdbc.queryForMap("SELECT status, last_error FROM dialpad_tokens WHERE rep_id = 'rep-lost-key'"))
                .containsEntry("status", "disconnected").containsEntry("last_error", "undecryptable: reconnect Dialpad");
        assertThat(first.body() + again.body()).doesNotContain(ACCESS_TOKEN).doesNotContain("rep-lost-key");
    }

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
    void reEncryptingWhileARefreshIsInFlightKeepsTheRotatedRefreshToken() throws Exception {
        TokenCipher old = new TokenCipher(ENCRYPTION_KEY, "", new org.clicktocall.LocalDataFolder("target/test-data/old-key"));
        jdbc.update("UPDATE dialpad_tokens SET expires_at = now() + interval '1 day'");   // only this rep is due
        jdbc.update("INSERT INTO dialpad_tokens (rep_id, dialpad_user_id, access_token, refresh_token, expires_at)"
                        + " VALUES ('rep-rotate-busy', '5105429914871111', ?, ?, now() + interval '2 minutes')",
                old.encrypt("rep-rotate-busy", "access_token", "FAKE-BUSY-ACCESS-OLD"),
                old.encrypt("rep-rotate-busy", "refresh_token", "FAKE-BUSY-REFRESH-OLD"));
        // Dialpad's token endpoint takes a while: the refresh is in flight when the re-encryption runs
        DIALPAD.stubFor(post("/oauth2/token").willReturn(okJson("""
                {"access_token": "FAKE-BUSY-ACCESS-NEW", "token_type": "bearer", "expires_in": 3600,
                 "refresh_token": "FAKE-BUSY-REFRESH-ROTATED"}""").withFixedDelay(700)));

        CompletableFuture<Void> refresh = CompletableFuture.runAsync(() -> producer.sendBody("direct:refresh-expiring-tokens", null));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.queryForObject(
                "SELECT lease_until > now() FROM dialpad_tokens WHERE rep_id = 'rep-rotate-busy'", Boolean.class));
        Answer reencrypt = send("POST", "/admin/tokens/re-encrypt", null, "X-API-Key", ADMIN_KEY);
        refresh.get(10, TimeUnit.SECONDS);

        assertThat(reencrypt.status()).as(reencrypt.body()).isEqualTo(200);
        assertThat(reencrypt.json().get("skipped_in_refresh").asInt()).isEqualTo(1);
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM dialpad_tokens WHERE rep_id = 'rep-rotate-busy'");
        assertThat(cipher.decrypt("rep-rotate-busy", "refresh_token", (String) row.get("refresh_token")))
                .isEqualTo("FAKE-BUSY-REFRESH-ROTATED");
        assertThat(cipher.decrypt("rep-rotate-busy", "access_token", (String) row.get("access_token")))
                .isEqualTo("FAKE-BUSY-ACCESS-NEW");
        assertThat(cipher.isCurrent((String) row.get("refresh_token"))).isTrue();
        assertThat(cipher.isCurrent((String) row.get("access_token"))).isTrue();
        Answer again = send("POST", "/admin/tokens/re-encrypt", null, "X-API-Key", ADMIN_KEY);
        assertThat(again.json().get("skipped_in_refresh").asInt()).isZero();

        // the next refresh sends the rotated token (and Dialpad would accept it: the old one is spent)
        DIALPAD.resetRequests();
        jdbc.update("UPDATE dialpad_tokens SET expires_at = now() + interval '1 minute' WHERE rep_id = 'rep-rotate-busy'");
        DIALPAD.stubFor(post("/oauth2/token").willReturn(okJson("""
                {"access_token": "FAKE-BUSY-ACCESS-3", "token_type": "bearer", "expires_in": 3600}""")));
        producer.sendBody("direct:refresh-expiring-tokens", null);

        List<LoggedRequest> refreshes = DIALPAD.findAll(postRequestedFor(urlEqualTo("/oauth2/token")));
        assertThat(refreshes).hasSize(1);
        assertThat(form(refreshes.get(0).getBodyAsString())).containsEntry("refresh_token", "FAKE-BUSY-REFRESH-ROTATED");
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
