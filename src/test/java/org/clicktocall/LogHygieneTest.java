package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import org.apache.camel.ProducerTemplate;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Every endpoint, including its failures, driven with recognisable fake secrets: none of them (tokens, API keys,
 * client secret, webhook secret, Authorization values) may appear in any log line. Phone numbers are masked.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogHygieneTest extends ServiceTest {

    private static final String CONNECTED_ACCESS = "FAKE-LOGCHECK-ACCESS-77e2";
    private static final String CONNECTED_REFRESH = "FAKE-LOGCHECK-REFRESH-a913";

    @Autowired
    ProducerTemplate producer;

    @Test
    void noSecretReachesALogLine(CapturedOutput output) {
        // clicks: through Dialpad, refused, failed, with a CRM Authorization header, a bad body
        connectRep("rep-logs");
        String click = "{\"rep_id\": \"rep-logs\", \"to_number\": \"5551234567\"}";
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"1\"}")));
        postCall(click);
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(401).withBody("bad token " + ACCESS_TOKEN)));
        postCall(click);
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(500)));
        postCall(click);
        send("POST", "/calls", click, "X-API-Key", CRM_KEY, "Content-Type", "application/json",
                "Authorization", "Bearer crm-secret-" + ACCESS_TOKEN);
        send("POST", "/calls", click, "X-API-Key", CRM_KEY + "-wrong", "Content-Type", "application/json");
        postCall("{\"rep_id\": \"rep-logs\", \"to_number\": \"" + ACCESS_TOKEN + "\"}");
        importToken("rep-logs", "{\"access_token\": \"bad token " + ACCESS_TOKEN + "\", \"dialpad_user_id\": \"1\"}");

        // the connect flow, a token endpoint failure, the refresh, disconnect
        String state = connectState("rep-logs-oauth");
        DIALPAD.stubFor(post("/oauth2/token").willReturn(okJson("""
                {"access_token": "%s", "token_type": "bearer", "expires_in": 60, "refresh_token": "%s"}"""
                .formatted(CONNECTED_ACCESS, CONNECTED_REFRESH))));
        DIALPAD.stubFor(get("/api/v2/users/me").willReturn(okJson("{\"id\": \"5105429914877000\"}")));
        send("GET", "/oauth/dialpad/callback?code=code-1&state=" + state, null);
        DIALPAD.stubFor(post("/oauth2/token").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": \"invalid_grant\", \"error_description\": \"" + CONNECTED_REFRESH + "\"}")));
        producer.sendBody("direct:refresh-expiring-tokens", null);
        send("GET", "/oauth/dialpad/callback?code=code-2&state=" + connectState("rep-logs-oauth2"), null);
        send("DELETE", "/reps/rep-logs/dialpad", null, "X-API-Key", CRM_KEY);

        // events: a forged one and an unsigned one
        send("POST", "/dialpad/events", "eyJhbGciOiJIUzI1NiJ9.eyJjYWxsX2lkIjoxfQ.forged", "Content-Type", "application/jwt");
        send("POST", "/dialpad/events", "{\"call_id\": 1, \"state\": \"ringing\"}", "Content-Type", "application/json");

        String logs = output.getAll();
        assertThat(logs).contains("call_attempt").contains("rep_id=rep-logs action=dialpad status=initiated")
                .contains("action=unconfirmed status=unconfirmed reason=dialpad_error dialpad_status=500").contains("to=********4567")
                .doesNotContain("+15551234567");
        for (String secret : new String[] {ACCESS_TOKEN, REFRESH_TOKEN, CONNECTED_ACCESS, CONNECTED_REFRESH, CRM_KEY,
                ADMIN_KEY, CLIENT_SECRET, WEBHOOK_SECRET, DIALPAD_ADMIN_API_KEY}) {
            assertThat(logs).as(secret).doesNotContain(secret);
        }
        assertThat(logs).doesNotContainIgnoringCase("Bearer ").doesNotContain("Basic ");
    }

    private String connectState(String repId) {
        String url = send("POST", "/reps/" + repId + "/dialpad/connect", null, "X-API-Key", CRM_KEY).json()
                .get("authorize_url").asText();
        String state = url.replaceAll(".*[?&]state=([^&]+).*", "$1");
        return URLDecoder.decode(state, StandardCharsets.UTF_8);
    }
}
