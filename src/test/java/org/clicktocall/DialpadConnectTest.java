package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.clicktocall.support.ServiceTest;
import org.clicktocall.tokens.TokenCipher;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.util.UriComponentsBuilder;

/** A rep connects Dialpad from the CRM's settings page: authorize, callback, tokens stored encrypted. */
class DialpadConnectTest extends ServiceTest {

    private static final String NEW_ACCESS = "FAKE-CONNECTED-ACCESS-8d1e";
    private static final String NEW_REFRESH = "FAKE-CONNECTED-REFRESH-2b7f";

    @Autowired
    TokenCipher cipher;

    private Map<String, String> startConnect(String repId) {
        Answer answer = send("POST", "/reps/" + repId + "/dialpad/connect", null, "X-API-Key", CRM_KEY);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        String url = answer.json().get("authorize_url").asText();
        assertThat(url).startsWith(DIALPAD.baseUrl() + "/oauth2/authorize?");
        Map<String, String> query = new LinkedHashMap<>();
        UriComponentsBuilder.fromUriString(url).build().getQueryParams()
                .forEach((k, v) -> query.put(k, URLDecoder.decode(v.get(0), StandardCharsets.UTF_8)));
        return query;
    }

    private Answer callback(String query) {
        return send("GET", "/oauth/dialpad/callback?" + query, null);
    }

    private void stubDialpadTokenAndUser() {
        DIALPAD.stubFor(post("/oauth2/token").willReturn(okJson("""
                {"access_token": "%s", "token_type": "bearer", "expires_in": 3600, "refresh_token": "%s"}"""
                .formatted(NEW_ACCESS, NEW_REFRESH))));
        DIALPAD.stubFor(get("/api/v2/users/me").willReturn(okJson("""
                {"id": "5105429914877999", "emails": ["rep@example.com"], "display_name": "Rep"}""")));
    }

    private int tokenRows(String repId) {
        return jdbc.queryForObject("SELECT count(*) FROM dialpad_tokens WHERE rep_id = ?", Integer.class, repId);
    }

    @Test
    void theAuthorizeUrlCarriesAOneTimeStateAndPkce() {
        Map<String, String> query = startConnect("rep-connect-url");

        assertThat(query).containsEntry("client_id", "test-client-id")
                .containsEntry("redirect_uri", "https://ctc.example.com/oauth/dialpad/callback")
                .containsEntry("response_type", "code").containsEntry("scope", "offline_access")
                .containsEntry("code_challenge_method", "S256").containsKeys("state", "code_challenge");
        Map<String, Object> stored = jdbc.queryForMap("SELECT * FROM oauth_states WHERE rep_id = 'rep-connect-url'");
        assertThat(stored.get("state_hash").toString()).isNotEqualTo(query.get("state")).hasSize(64);
        assertThat(stored.get("expires_at")).isNotNull();
    }

    @Test
    void theCallbackExchangesTheCodeWithPkceStoresEncryptedTokensAndReturnsToTheCrm() throws Exception {
        Map<String, String> query = startConnect("rep-connect");
        stubDialpadTokenAndUser();

        Answer answer = callback("code=auth-code-1&state=" + query.get("state"));

        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.header("Location")).isEqualTo("https://crm.example.com/settings/dialpad?dialpad=connected");
        LoggedRequest tokenRequest = DIALPAD.findAll(postRequestedFor(urlEqualTo("/oauth2/token"))).get(0);
        Map<String, String> form = form(tokenRequest.getBodyAsString());
        assertThat(form).containsEntry("grant_type", "authorization_code").containsEntry("code", "auth-code-1")
                .containsEntry("redirect_uri", "https://ctc.example.com/oauth/dialpad/callback");
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(form.get("code_verifier").getBytes(StandardCharsets.US_ASCII)));
        assertThat(challenge).isEqualTo(query.get("code_challenge"));
        assertThat(tokenRequest.getHeader("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString(("test-client-id:" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)));
        assertThat(DIALPAD.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlEqualTo("/api/v2/users/me")))
                .get(0).getHeader("Authorization")).isEqualTo("Bearer " + NEW_ACCESS);

        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM dialpad_tokens WHERE rep_id = 'rep-connect'");
        assertThat(row).containsEntry("status", "active").containsEntry("dialpad_user_id", "5105429914877999");
        assertThat(row.get("access_token").toString()).doesNotContain(NEW_ACCESS);
        assertThat(cipher.decrypt("rep-connect", "access_token", row.get("access_token").toString())).isEqualTo(NEW_ACCESS);
        assertThat(cipher.decrypt("rep-connect", "refresh_token", row.get("refresh_token").toString())).isEqualTo(NEW_REFRESH);

        Answer status = send("GET", "/reps/rep-connect/dialpad", null, "X-API-Key", CRM_KEY);
        assertThat(status.json().get("connected").asBoolean()).isTrue();
        assertThat(status.json().get("status").asText()).isEqualTo("active");
        assertThat(status.json().get("dialpad_user_id").asText()).isEqualTo("5105429914877999");
        assertThat(status.body()).doesNotContain(NEW_ACCESS).doesNotContain(NEW_REFRESH);
    }

    @Test
    void aReplayedUnknownOrMissingStateStoresNothing() {
        Map<String, String> query = startConnect("rep-replay");
        stubDialpadTokenAndUser();
        assertThat(callback("code=c1&state=" + query.get("state")).status()).isEqualTo(302);
        jdbc.update("DELETE FROM dialpad_tokens WHERE rep_id = 'rep-replay'");
        DIALPAD.resetRequests();

        for (String bad : List.of("code=c1&state=" + query.get("state"), "code=c1&state=never-issued", "code=c1")) {
            Answer answer = callback(bad);
            assertThat(answer.status()).as(bad).isEqualTo(400);
            assertThat(answer.body()).contains("unknown, was already used or has expired");
        }
        assertThat(tokenRows("rep-replay")).isZero();
        assertThat(dialpadRequests()).isEmpty();
    }

    @Test
    void anExpiredStateIsRefused() {
        Map<String, String> query = startConnect("rep-expired-state");
        jdbc.update("UPDATE oauth_states SET expires_at = now() - interval '1 second' WHERE rep_id = 'rep-expired-state'");

        assertThat(callback("code=c1&state=" + query.get("state")).status()).isEqualTo(400);
        assertThat(tokenRows("rep-expired-state")).isZero();
    }

    @Test
    void aRepWhoDeclinesIsSentBackWithTheReason() {
        Map<String, String> query = startConnect("rep-declines");

        Answer answer = callback("error=access_denied&state=" + query.get("state"));

        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.header("Location")).isEqualTo("https://crm.example.com/settings/dialpad?dialpad=error&reason=access_denied");
        assertThat(tokenRows("rep-declines")).isZero();
        assertThat(dialpadRequests()).isEmpty();
    }

    @Test
    void aTokenEndpointErrorIsReportedAndStoresNothing() {
        Map<String, String> query = startConnect("rep-token-error");
        DIALPAD.stubFor(post("/oauth2/token").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": \"invalid_grant\"}")));

        Answer answer = callback("code=bad&state=" + query.get("state"));

        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.header("Location")).isEqualTo("https://crm.example.com/settings/dialpad?dialpad=error&reason=token_exchange_failed");
        assertThat(tokenRows("rep-token-error")).isZero();
    }

    private Map<String, String> startConnectExpecting(String repId, String body) {
        Answer answer = send("POST", "/reps/" + repId + "/dialpad/connect", body, "X-API-Key", CRM_KEY,
                "Content-Type", "application/json");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        Map<String, String> query = new LinkedHashMap<>();
        UriComponentsBuilder.fromUriString(answer.json().get("authorize_url").asText()).build().getQueryParams()
                .forEach((k, v) -> query.put(k, URLDecoder.decode(v.get(0), StandardCharsets.UTF_8)));
        return query;
    }

    private void stubDialpadUser(String userId, String emailsJson) {
        DIALPAD.stubFor(post("/oauth2/token").willReturn(okJson("""
                {"access_token": "%s", "token_type": "bearer", "expires_in": 3600, "refresh_token": "%s"}"""
                .formatted(NEW_ACCESS, NEW_REFRESH))));
        DIALPAD.stubFor(get("/api/v2/users/me").willReturn(okJson("""
                {"id": "%s", "emails": %s, "display_name": "Someone"}""".formatted(userId, emailsJson))));
    }

    private int deauthorizations() {
        return DIALPAD.findAll(postRequestedFor(urlPathEqualTo("/oauth2/deauthorize"))).size();
    }

    @Test
    void aDialpadUserConnectedToAnotherRepIsRefusedAndNothingIsStored() {
        Map<String, String> owner = startConnect("rep-owner");
        stubDialpadUser("5105429914870001", "[\"owner@example.com\"]");
        assertThat(callback("code=c1&state=" + owner.get("state")).header("Location")).endsWith("dialpad=connected");
        String ownerRow = jdbc.queryForObject("SELECT access_token FROM dialpad_tokens WHERE rep_id = 'rep-owner'", String.class);

        // the owner opens another rep's connect link and signs in to Dialpad as themselves
        Map<String, String> other = startConnect("rep-victim");
        Answer answer = callback("code=c2&state=" + other.get("state"));

        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.header("Location"))
                .isEqualTo("https://crm.example.com/settings/dialpad?dialpad=error&reason=dialpad_user_in_use");
        assertThat(tokenRows("rep-victim")).isZero();
        assertThat(jdbc.queryForObject("SELECT access_token FROM dialpad_tokens WHERE rep_id = 'rep-owner'", String.class))
                .isEqualTo(ownerRow);
        assertThat(send("GET", "/reps/rep-owner/dialpad", null, "X-API-Key", CRM_KEY).json().get("status").asText())
                .isEqualTo("active");
        assertThat(deauthorizations()).isZero();

        // the owner reconnecting their own rep is still fine
        Map<String, String> again = startConnect("rep-owner");
        assertThat(callback("code=c3&state=" + again.get("state")).header("Location")).endsWith("dialpad=connected");
    }

    @Test
    void twoCallbacksForOneDialpadUserAtTheSameMomentConnectOneRep() throws Exception {
        List<Map<String, String>> states = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            states.add(startConnect("rep-race-" + i));
        }
        stubDialpadUser("5105429914870002", "[\"race@example.com\"]");
        DIALPAD.stubFor(get("/api/v2/users/me").willReturn(okJson("""
                {"id": "5105429914870002", "emails": ["race@example.com"]}""").withFixedDelay(200)));

        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<Answer>> answers = new java.util.ArrayList<>();
        for (Map<String, String> state : states) {
            answers.add(pool.submit(() -> callback("code=race&state=" + state.get("state"))));
        }
        List<String> locations = new java.util.ArrayList<>();
        for (java.util.concurrent.Future<Answer> each : answers) {
            locations.add(each.get().header("Location"));
        }
        pool.shutdown();

        assertThat(locations).filteredOn(l -> l.endsWith("dialpad=connected")).hasSize(1);
        assertThat(locations).filteredOn(l -> l.endsWith("dialpad=error&reason=dialpad_user_in_use")).hasSize(7);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dialpad_tokens WHERE dialpad_user_id = '5105429914870002'",
                Integer.class)).isEqualTo(1);
    }

    @Test
    void anExpectedEmailMustBeOneOfTheDialpadAccountsEmails() {
        Map<String, String> mismatch = startConnectExpecting("rep-email", "{\"expected_email\": \"Rep.Email@Example.com\"}");
        stubDialpadUser("5105429914870003", "[\"someone.else@example.com\"]");
        DIALPAD.stubFor(post("/oauth2/deauthorize").willReturn(aResponse().withStatus(204)));

        Answer refused = callback("code=c1&state=" + mismatch.get("state"));

        assertThat(refused.header("Location"))
                .isEqualTo("https://crm.example.com/settings/dialpad?dialpad=error&reason=dialpad_email_mismatch");
        assertThat(tokenRows("rep-email")).isZero();
        assertThat(deauthorizations()).isZero();

        Map<String, String> match = startConnectExpecting("rep-email", "{\"expected_email\": \"Rep.Email@Example.com\"}");
        stubDialpadUser("5105429914870003", "[\"other@example.com\", \"rep.email@example.COM\"]");

        Answer connected = callback("code=c2&state=" + match.get("state"));

        assertThat(connected.header("Location")).isEqualTo("https://crm.example.com/settings/dialpad?dialpad=connected");
        assertThat(jdbc.queryForObject("SELECT dialpad_user_id FROM dialpad_tokens WHERE rep_id = 'rep-email'", String.class))
                .isEqualTo("5105429914870003");
    }

    @Test
    void aBadExpectedEmailIs400AndStartsNothing() {
        int states = jdbc.queryForObject("SELECT count(*) FROM oauth_states", Integer.class);
        for (String body : List.of("{\"expected_email\": \"not an email\"}", "{\"expected_email\": 7}",
                "{\"expected_email\": \"a@b\"}", "{\"email\": \"rep@example.com\"}", "[1]",
                "{\"expected_email\": \"" + "x".repeat(250) + "@example.com\"}")) {
            Answer answer = send("POST", "/reps/rep-bad-email/dialpad/connect", body, "X-API-Key", CRM_KEY,
                    "Content-Type", "application/json");
            assertThat(answer.status()).as(body).isEqualTo(400);
            assertThat(answer.json().at("/error/code").asText()).as(body).isIn("invalid_request", "unknown_field");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM oauth_states", Integer.class)).isEqualTo(states);
        assertThat(json(send("GET", "/openapi.json", null).body())
                .at("/paths/~1reps~1{rep_id}~1dialpad~1connect/post/requestBody/required").asBoolean()).isFalse();
        // no body, or an empty object, still starts a connect without an e-mail check
        assertThat(startConnectExpecting("rep-bad-email", "{}")).containsKey("state");
        assertThat(startConnect("rep-bad-email")).containsKey("state");
    }

    @Test
    void theTokenImportRefusesADialpadUserConnectedToAnotherRepWith409() {
        String body = "{\"access_token\": \"%s\", \"dialpad_user_id\": \"5105429914870004\"}".formatted(ACCESS_TOKEN);
        Answer first = send("PUT", "/reps/rep-import-a/dialpad-token", body, "X-API-Key", ADMIN_KEY,
                "Content-Type", "application/json");
        assertThat(first.status()).as(first.body()).isEqualTo(200);

        Answer answer = send("PUT", "/reps/rep-import-b/dialpad-token", body, "X-API-Key", ADMIN_KEY,
                "Content-Type", "application/json");

        assertThat(answer.status()).as(answer.body()).isEqualTo(409);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("dialpad_user_in_use");
        assertThat(answer.body()).doesNotContain(ACCESS_TOKEN).doesNotContain("rep-import-a");
        assertThat(tokenRows("rep-import-b")).isZero();
        // once the first rep is disconnected, the second may have the Dialpad user
        DIALPAD.stubFor(post("/oauth2/deauthorize").willReturn(aResponse().withStatus(204)));
        send("DELETE", "/reps/rep-import-a/dialpad", null, "X-API-Key", CRM_KEY);
        Answer after = send("PUT", "/reps/rep-import-b/dialpad-token", body, "X-API-Key", ADMIN_KEY,
                "Content-Type", "application/json");
        assertThat(after.status()).as(after.body()).isEqualTo(200);
    }

    @Test
    void disconnectRevokesAtDialpadAndForgetsTheToken() {
        connectRep("rep-disconnect");
        DIALPAD.stubFor(post("/oauth2/deauthorize").willReturn(aResponse().withStatus(204)));

        Answer answer = send("DELETE", "/reps/rep-disconnect/dialpad", null, "X-API-Key", CRM_KEY);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("status").asText()).isEqualTo("disconnected");
        LoggedRequest revoke = DIALPAD.findAll(postRequestedFor(urlPathEqualTo("/oauth2/deauthorize"))).get(0);
        assertThat(revoke.getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
        assertThat(tokenRows("rep-disconnect")).isZero();
        assertThat(postCall("{\"rep_id\": \"rep-disconnect\", \"to_number\": \"5551234567\"}").json().get("reason").asText())
                .isEqualTo("not_connected");
    }
}
