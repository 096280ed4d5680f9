package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.component.http.HttpComponent;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;

/**
 * The breaker protects reps from waiting on a Dialpad that is down, and only then: Dialpad refusing a call
 * (401, 403, 429, busy) says nothing about Dialpad's health and must never open it.
 */
class CircuitBreakerTest extends ServiceTest {

    private static final String CLICK = "{\"rep_id\": \"rep-breaker\", \"to_number\": \"5551234567\"}";

    @Test
    void isTunedForLowTraffic() {
        assertThat(breaker().getCircuitBreakerMinimumNumberOfCalls()).isEqualTo(5);
        assertThat(breaker().getCircuitBreakerFailureRateThreshold()).isEqualTo(50f);
    }

    @Test
    void dialpadTimeoutsApplyToHttpsEndpointsToo() {
        for (String scheme : new String[] {"http", "https"}) {
            HttpComponent component = camel.getComponent(scheme, HttpComponent.class);
            assertThat(component.getConnectTimeout()).as(scheme).isEqualTo(1000L);
            assertThat(component.getResponseTimeout()).as(scheme).isEqualTo(1000L);
            assertThat(component.getConnectionsPerRoute()).as(scheme).isEqualTo(200);
        }
    }

    @Test
    void opensAfterAHandfulOfDialpadServerErrorsAndThenAnswersWithoutAskingDialpad() {
        connectRep("rep-breaker");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(503)));

        for (int i = 0; i < 5; i++) {
            assertThat(postCall(CLICK).json().get("reason").asText()).isEqualTo("dialpad_unavailable");
        }
        assertThat(dialpadRequests()).hasSize(5);
        assertThat(breaker().getCircuitBreakerState()).isEqualTo("OPEN");

        Answer whileOpen = postCall(CLICK);

        assertThat(whileOpen.status()).isEqualTo(201);
        assertThat(whileOpen.json().get("reason").asText()).isEqualTo("dialpad_unavailable");
        assertThat(whileOpen.json().get("tel_uri").asText()).isEqualTo("tel:+15551234567");
        assertThat(dialpadRequests()).as("the open breaker kept the sixth click away from Dialpad").hasSize(5);
        assertThat(callRow(whileOpen.json().get("id").asText())).containsEntry("status", "fallback")
                .containsEntry("fallback_reason", "dialpad_unavailable");
    }

    @Test
    void staysClosedWhenDialpadRefusesCalls() {
        connectRep("rep-breaker");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(403).withBody("{\"error\":{\"message\":\"no\"}}")));
        for (int i = 0; i < 4; i++) {
            assertThat(postCall(CLICK).json().get("reason").asText()).isEqualTo("forbidden");
        }
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(429)));
        for (int i = 0; i < 4; i++) {
            assertThat(postCall(CLICK).json().get("reason").asText()).isEqualTo("rate_limited");
        }
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(401)));
        for (int i = 0; i < 4; i++) {
            assertThat(postCall(CLICK).json().get("reason").asText()).isEqualTo("unauthorized");
        }
        assertThat(breaker().getCircuitBreakerState()).isEqualTo("CLOSED");
        assertThat(breaker().getNumberOfFailedCalls()).isZero();

        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"99\"}")));
        Answer answer = postCall(CLICK);

        assertThat(answer.json().get("action").asText()).isEqualTo("dialpad");
    }
}
