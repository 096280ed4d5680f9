package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;

/** What operations see without a CRM key: health with the breaker's state, Prometheus metrics, nothing else. */
class OperationsTest extends ServiceTest {

    @Test
    void readinessCoversTheDatabaseTheRoutesAndDialpadWithoutAKey() {
        Answer readiness = send("GET", "/actuator/health/readiness", null);
        Answer liveness = send("GET", "/actuator/health/liveness", null);

        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().get("status").asText()).isEqualTo("UP");
        assertThat(readiness.json().get("components").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("db", "camelHealth", "dialpad", "readinessState");
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(readiness.body()).doesNotContain("jdbc").doesNotContain("postgres");
    }

    @Test
    void anOpenBreakerIsDegradedNotDown() {
        breaker().transitionToOpenState();

        Answer health = send("GET", "/actuator/health", null);
        Answer readiness = send("GET", "/actuator/health/readiness", null);

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().at("/components/dialpad/status").asText()).isEqualTo("DEGRADED");
        assertThat(health.json().get("status").asText()).isEqualTo("DEGRADED");
        assertThat(readiness.status()).as("still ready: clicks get tel: links").isEqualTo(200);
    }

    @Test
    void otherActuatorEndpointsAreNotServed() {
        for (String path : List.of("/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator/heapdump")) {
            Answer answer = send("GET", path, null, "X-API-Key", ADMIN_KEY);
            assertThat(answer.status()).as(path).isEqualTo(404);
        }
    }

    @Test
    void prometheusShowsCallsDialpadLatencyAndTheBreakerWithoutRepsOrNumbers() {
        connectRep("rep-metrics-7731");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"5\"}")));
        postCall("{\"rep_id\": \"rep-metrics-7731\", \"to_number\": \"(555) 987-6543\"}");
        DIALPAD.stubFor(post("/api/v2/call").willReturn(aResponse().withStatus(429)));
        postCall("{\"rep_id\": \"rep-metrics-7731\", \"to_number\": \"(555) 987-6543\"}");
        breaker().transitionToOpenState();
        breaker().transitionToHalfOpenState();
        send("POST", "/calls", "{}", "Content-Type", "application/json", "X-API-Key", "not-a-key-7731");

        Answer scrape = send("GET", "/actuator/prometheus", null);

        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.body())
                .containsPattern("clicktocall_calls_total\\{[^}]*action=\"dialpad\"[^}]*reason=\"none\"[^}]*} [1-9]")
                .containsPattern("clicktocall_calls_total\\{[^}]*action=\"tel\"[^}]*reason=\"rate_limited\"[^}]*} [1-9]")
                .containsPattern("clicktocall_dialpad_requests_seconds_bucket\\{[^}]*endpoint=\"call\"[^}]*status_class=\"2xx\"")
                .containsPattern("clicktocall_dialpad_requests_seconds_count\\{[^}]*status_class=\"4xx\"[^}]*} [1-9]")
                .contains("clicktocall_dialpad_breaker_state{")
                .containsPattern("clicktocall_dialpad_breaker_transitions_total\\{[^}]*from=\"closed\"[^}]*to=\"open\"")
                .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"place-call\"")
                .containsPattern("clicktocall_tokens_refresh_total\\{[^}]*outcome=\"invalid_grant\"")
                .contains("clicktocall_tokens_expiring")
                .containsPattern("clicktocall_requests_refused_total\\{[^}]*code=\"unauthorized\"[^}]*status=\"401\"[^}]*} [1-9]")
                .doesNotContain("rep-metrics-7731").doesNotContain("9876543").doesNotContain("not-a-key-7731");
    }
}
