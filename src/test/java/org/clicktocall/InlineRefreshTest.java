package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;

/** On the click itself: an expired token is refreshed before dialling, and a 401 earns one refresh and one retry. */
class InlineRefreshTest extends ServiceTest {

    private void repWithToken(String repId, int expiresInSeconds) {
        jdbc.update("DELETE FROM dialpad_tokens WHERE rep_id = ?", repId);
        Answer answer = importToken(repId, """
                {"access_token": "%s", "refresh_token": "%s", "expires_in": %d, "dialpad_user_id": "%s"}"""
                .formatted(ACCESS_TOKEN, REFRESH_TOKEN, expiresInSeconds, DIALPAD_USER_ID));
        assertThat(answer.status()).isEqualTo(200);
    }

    private void tokenEndpointGives(String accessToken) {
        DIALPAD.stubFor(post("/oauth2/token").willReturn(okJson("""
                {"access_token": "%s", "token_type": "bearer", "expires_in": 3600, "refresh_token": "FAKE-ROTATED-REFRESH"}"""
                .formatted(accessToken))));
    }

    @Test
    void anExpiredTokenIsRefreshedBeforeDialling() {
        repWithToken("rep-inline-expired", 1);
        jdbc.update("UPDATE dialpad_tokens SET expires_at = now() - interval '1 minute' WHERE rep_id = 'rep-inline-expired'");
        tokenEndpointGives("FAKE-FRESH-ACCESS-1");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"41\"}")));

        Answer answer = postCall("{\"rep_id\": \"rep-inline-expired\", \"to_number\": \"5551234567\"}");

        assertThat(answer.json().get("action").asText()).isEqualTo("dialpad");
        List<LoggedRequest> calls = DIALPAD.findAll(postRequestedFor(urlEqualTo("/api/v2/call")));
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).getHeader("Authorization")).isEqualTo("Bearer FAKE-FRESH-ACCESS-1");
        assertThat(DIALPAD.findAll(postRequestedFor(urlEqualTo("/oauth2/token")))).hasSize(1);
    }

    @Test
    void a401GetsOneRefreshAndOneRetry() {
        repWithToken("rep-inline-401", 3600);
        tokenEndpointGives("FAKE-FRESH-ACCESS-2");
        DIALPAD.stubFor(post("/api/v2/call").withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN))
                .willReturn(aResponse().withStatus(401)));
        DIALPAD.stubFor(post("/api/v2/call").withHeader("Authorization", equalTo("Bearer FAKE-FRESH-ACCESS-2"))
                .willReturn(okJson("{\"call_id\": \"42\"}")));

        Answer answer = postCall("{\"rep_id\": \"rep-inline-401\", \"to_number\": \"5551234567\"}");

        assertThat(answer.json().get("action").asText()).as(answer.body()).isEqualTo("dialpad");
        assertThat(answer.json().get("dialpad_call_id").asText()).isEqualTo("42");
        assertThat(DIALPAD.findAll(postRequestedFor(urlEqualTo("/api/v2/call")))).hasSize(2);
        assertThat(callRow(answer.json().get("id").asText())).containsEntry("status", "initiated");
        assertThat(breaker().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void a401ThatPersistsAfterTheRefreshFallsBackUnauthorized() {
        repWithToken("rep-inline-401-again", 3600);
        tokenEndpointGives("FAKE-FRESH-ACCESS-3");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(401)));

        Answer answer = postCall("{\"rep_id\": \"rep-inline-401-again\", \"to_number\": \"5551234567\"}");

        assertThat(answer.json().get("reason").asText()).isEqualTo("unauthorized");
        assertThat(DIALPAD.findAll(postRequestedFor(urlEqualTo("/api/v2/call")))).as("one retry only").hasSize(2);
        assertThat(DIALPAD.findAll(postRequestedFor(urlEqualTo("/oauth2/token")))).hasSize(1);
    }
}
