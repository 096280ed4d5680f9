package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Tokens and Authorization values never reach a log line, whatever the outcome. */
@ExtendWith(OutputCaptureExtension.class)
class LogHygieneTest extends ServiceTest {

    @Test
    void noTokenOrAuthorizationValueIsLogged(CapturedOutput output) {
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
        importToken("rep-logs", "{\"access_token\": \"bad token " + ACCESS_TOKEN + "\", \"dialpad_user_id\": \"1\"}");

        assertThat(output.getAll()).contains("call_attempt").contains("rep_id=rep-logs action=dialpad status=initiated")
                .contains("action=tel status=fallback reason=unauthorized dialpad_status=401 to=********4567")
                .contains("reason=dialpad_unavailable dialpad_status=500")
                .doesNotContain("+15551234567");
        assertThat(output.getAll()).doesNotContain(ACCESS_TOKEN).doesNotContain(REFRESH_TOKEN)
                .doesNotContain(CRM_KEY).doesNotContain(ADMIN_KEY).doesNotContainIgnoringCase("Bearer ");
    }
}
