package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.ProducerTemplate;
import org.clicktocall.support.ServiceTest;
import org.clicktocall.tokens.TokenCipher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Tokens that expire soon are refreshed once, whatever Dialpad's token endpoint does, on one instance or two. */
class TokenRefreshTest extends ServiceTest {

    @Autowired
    ProducerTemplate producer;
    @Autowired
    TokenCipher cipher;
    @Autowired
    EmbeddedPostgres postgres;

    @BeforeEach
    void onlyTheseTokensExpire() {
        jdbc.update("UPDATE dialpad_tokens SET expires_at = now() + interval '1 day'");
    }

    /** One Dialpad user per rep: these reps are all connected at once. */
    private static final java.util.concurrent.atomic.AtomicLong nextDialpadUserId = new java.util.concurrent.atomic.AtomicLong(5_105_429_914_100_000L);

    private void expiringRep(String repId, String refreshToken, int minutes) {
        Answer answer = importToken(repId, """
                {"access_token": "%s", "refresh_token": "%s", "expires_in": %d, "dialpad_user_id": "%s"}"""
                .formatted(ACCESS_TOKEN, refreshToken, minutes * 60, nextDialpadUserId.incrementAndGet()));
        assertThat(answer.status()).isEqualTo(200);
    }

    private Map<String, Object> row(String repId) {
        return jdbc.queryForMap("SELECT * FROM dialpad_tokens WHERE rep_id = ?", repId);
    }

    private void refreshNow() {
        producer.sendBody("direct:refresh-expiring-tokens", null);
    }

    @Test
    void anExpiringTokenIsRefreshedAndTheRotatedPairStoredTogether() {
        expiringRep("rep-refresh", "FAKE-OLD-REFRESH-1", 5);
        DIALPAD.stubFor(post("/oauth2/token").willReturn(okJson("""
                {"access_token": "FAKE-NEW-ACCESS-1", "token_type": "bearer", "expires_in": 7200,
                 "refresh_token": "FAKE-NEW-REFRESH-1"}""")));

        refreshNow();

        LoggedRequest request = DIALPAD.findAll(postRequestedFor(urlEqualTo("/oauth2/token"))).get(0);
        assertThat(form(request.getBodyAsString())).containsEntry("grant_type", "refresh_token")
                .containsEntry("refresh_token", "FAKE-OLD-REFRESH-1");
        Map<String, Object> row = row("rep-refresh");
        assertThat(cipher.decrypt("rep-refresh", "access_token", (String) row.get("access_token"))).isEqualTo("FAKE-NEW-ACCESS-1");
        assertThat(cipher.decrypt("rep-refresh", "refresh_token", (String) row.get("refresh_token"))).isEqualTo("FAKE-NEW-REFRESH-1");
        assertThat(((java.sql.Timestamp) row.get("expires_at")).toInstant()).isAfter(Instant.now().plusSeconds(7000));
        assertThat(row.get("last_refreshed_at")).isNotNull();
        assertThat(row).containsEntry("status", "active");
        assertThat(send("GET", "/actuator/prometheus", null).body())
                .containsPattern("clicktocall_tokens_refresh_total\\{[^}]*outcome=\"refreshed\"");
    }

    @Test
    void withoutANewRefreshTokenTheOldOneIsKept() {
        expiringRep("rep-no-rotation", "FAKE-KEPT-REFRESH", 5);
        DIALPAD.stubFor(post("/oauth2/token").willReturn(okJson("""
                {"access_token": "FAKE-NEW-ACCESS-2", "token_type": "Bearer", "expires_in": 3600}""")));

        refreshNow();

        Map<String, Object> row = row("rep-no-rotation");
        assertThat(cipher.decrypt("rep-no-rotation", "access_token", (String) row.get("access_token"))).isEqualTo("FAKE-NEW-ACCESS-2");
        assertThat(cipher.decrypt("rep-no-rotation", "refresh_token", (String) row.get("refresh_token"))).isEqualTo("FAKE-KEPT-REFRESH");
    }

    @Test
    void invalidGrantDisconnectsTheRepWhoThenGetsATelLink() {
        expiringRep("rep-revoked", "FAKE-REVOKED-REFRESH", 5);
        DIALPAD.stubFor(post("/oauth2/token").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": \"invalid_grant\"}")));

        refreshNow();
        refreshNow();

        assertThat(DIALPAD.findAll(postRequestedFor(urlEqualTo("/oauth2/token")))).as("no retry after invalid_grant").hasSize(1);
        assertThat(row("rep-revoked")).containsEntry("status", "disconnected");
        Answer status = send("GET", "/reps/rep-revoked/dialpad", null, "X-API-Key", CRM_KEY);
        assertThat(status.json().get("status").asText()).isEqualTo("disconnected");
        assertThat(status.json().get("last_error").asText()).contains("invalid_grant");
        Answer click = postCall("{\"rep_id\": \"rep-revoked\", \"to_number\": \"5551234567\"}");
        assertThat(click.json().get("reason").asText()).isEqualTo("not_connected");
        assertThat(click.json().get("message").asText()).contains("Reconnect Dialpad");
    }

    @Test
    void aTokenEndpointOutageKeepsTheRepActiveAndBacksOff() {
        expiringRep("rep-outage", "FAKE-OUTAGE-REFRESH", 5);
        DIALPAD.stubFor(post("/oauth2/token").willReturn(aResponse().withStatus(503)));

        refreshNow();
        refreshNow();

        assertThat(DIALPAD.findAll(postRequestedFor(urlEqualTo("/oauth2/token")))).as("backing off, not hammering").hasSize(1);
        Map<String, Object> row = row("rep-outage");
        assertThat(row).containsEntry("status", "active").containsEntry("refresh_failures", 1);
        assertThat(((java.sql.Timestamp) row.get("next_refresh_at")).toInstant()).isAfter(Instant.now());
        assertThat(cipher.decrypt("rep-outage", "refresh_token", (String) row.get("refresh_token"))).isEqualTo("FAKE-OUTAGE-REFRESH");
    }

    @Test
    void twoInstancesRefreshEachTokenExactlyOnce() throws Exception {
        for (int i = 0; i < 40; i++) {
            expiringRep("rep-pair-" + i, "FAKE-PAIR-REFRESH-" + i, 3);
        }
        DIALPAD.stubFor(post("/oauth2/token").willReturn(okJson("""
                {"access_token": "FAKE-PAIR-NEW", "token_type": "bearer", "expires_in": 3600, "refresh_token": "FAKE-PAIR-NEXT"}""")
                .withFixedDelay(50)));
        try (ConfigurableApplicationContext second = new SpringApplicationBuilder(ClickToCallApplication.class).run(
                "--server.port=0", "--spring.autoconfigure.exclude=" + org.clicktocall.support.ServiceTest.NO_WEB_SECURITY, "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres", "--app.data-dir=target/test-data/second-refresh",
                "--calls.api-keys=" + CRM_KEY, "--calls.admin-api-keys=" + ADMIN_KEY,
                "--tokens.encryption-key=" + ENCRYPTION_KEY, "--dialpad.base-url=" + DIALPAD.baseUrl(),
                "--dialpad.oauth.client-id=test-client-id", "--dialpad.oauth.client-secret=" + CLIENT_SECRET,
                "--dialpad.oauth.redirect-uri=https://ctc.example.com/oauth/dialpad/callback",
                "--tokens.refresh.batch=10", "--tokens.refresh.cron=0 0 0 1 1 ? 2099", "--calls.sweep.cron=0 0 0 1 1 ? 2099")) {
            ProducerTemplate other = second.getBean(ProducerTemplate.class);

            CompletableFuture<Void> one = CompletableFuture.runAsync(this::refreshNow);
            CompletableFuture<Void> two = CompletableFuture.runAsync(() -> other.sendBody("direct:refresh-expiring-tokens", null));
            CompletableFuture.allOf(one, two).get();
        }

        List<LoggedRequest> refreshes = DIALPAD.findAll(postRequestedFor(urlEqualTo("/oauth2/token")));
        Map<String, Integer> perToken = new HashMap<>();
        refreshes.forEach(r -> perToken.merge(form(r.getBodyAsString()).get("refresh_token"), 1, Integer::sum));
        assertThat(perToken).hasSize(40);
        assertThat(perToken.values()).allMatch(count -> count == 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dialpad_tokens WHERE rep_id LIKE 'rep-pair-%' AND last_refreshed_at IS NOT NULL",
                Integer.class)).isEqualTo(40);
    }

    @Test
    void tokensClaimedByAnInstanceThatDiedAreRefreshedWhenItsLeaseRunsOut() throws Exception {
        for (int i = 0; i < 3; i++) {
            expiringRep("rep-orphan-" + i, "FAKE-ORPHAN-REFRESH-" + i, 3);
        }
        // an instance claimed these and was killed before refreshing them
        jdbc.update("UPDATE dialpad_tokens SET lease_until = now() + interval '2 seconds' WHERE rep_id LIKE 'rep-orphan-%'");
        DIALPAD.stubFor(post("/oauth2/token").willReturn(okJson("""
                {"access_token": "FAKE-ORPHAN-NEW", "token_type": "bearer", "expires_in": 3600}""")));

        refreshNow();
        int whileLeased = DIALPAD.findAll(postRequestedFor(urlEqualTo("/oauth2/token"))).size();
        Thread.sleep(2500);
        refreshNow();

        assertThat(whileLeased).isZero();
        assertThat(DIALPAD.findAll(postRequestedFor(urlEqualTo("/oauth2/token")))).hasSize(3);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dialpad_tokens WHERE rep_id LIKE 'rep-orphan-%' AND last_refreshed_at IS NOT NULL",
                Integer.class)).isEqualTo(3);
    }
}
