package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.clicktocall.support.DialpadSpec;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;

/** One admin call sets up Dialpad's call events for this service. */
class WebhookSetupTest extends ServiceTest {

    private Answer subscribe(String body, String key) {
        return send("POST", "/admin/dialpad/webhook-subscription", body, "X-API-Key", key, "Content-Type", "application/json");
    }

    @Test
    void createsTheWebhookWithOurSecretAndSubscribesItToCallEvents() {
        DIALPAD.stubFor(post("/api/v2/webhooks").willReturn(okJson("{\"id\": 5200000000000001, \"hook_url\": \"x\"}")));
        DIALPAD.stubFor(post("/api/v2/subscriptions/call").willReturn(okJson("{\"id\": 5300000000000002, \"enabled\": true}")));

        Answer answer = subscribe("{\"hook_url\": \"https://ctc.example.com/dialpad/events\"}", ADMIN_KEY);

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("webhook_id").asLong()).isEqualTo(5200000000000001L);
        assertThat(answer.json().get("subscription_id").asLong()).isEqualTo(5300000000000002L);
        assertThat(answer.body()).doesNotContain(WEBHOOK_SECRET).doesNotContain(DIALPAD_ADMIN_API_KEY);
        List<LoggedRequest> sent = dialpadRequests();
        assertThat(sent).hasSize(2);
        LoggedRequest webhook = sent.stream().filter(r -> r.getUrl().equals("/api/v2/webhooks")).findFirst().orElseThrow();
        LoggedRequest subscription = sent.stream().filter(r -> r.getUrl().equals("/api/v2/subscriptions/call")).findFirst().orElseThrow();
        assertThat(webhook.getHeader("Authorization")).isEqualTo("Bearer " + DIALPAD_ADMIN_API_KEY);
        assertThat(json(webhook.getBodyAsString())).isEqualTo(json("""
                {"hook_url": "https://ctc.example.com/dialpad/events", "secret": "%s"}""".formatted(WEBHOOK_SECRET)));
        assertThat(json(subscription.getBodyAsString()).get("endpoint_id").asLong()).isEqualTo(5200000000000001L);
        assertThat(json(subscription.getBodyAsString()).get("enabled").asBoolean()).isTrue();
        assertThat(json(subscription.getBodyAsString()).get("call_states")).extracting(n -> n.asText())
                .contains("ringing", "connected", "hangup");
        DialpadSpec.assertConforms(webhook);
        DialpadSpec.assertConforms(subscription);
    }

    @Test
    void needsAnAdminKeyAndAnHttpsHookUrl() {
        assertThat(subscribe("{\"hook_url\": \"https://ctc.example.com/dialpad/events\"}", CRM_KEY).status()).isEqualTo(403);
        Answer plain = subscribe("{\"hook_url\": \"http://ctc.example.com/dialpad/events\"}", ADMIN_KEY);
        assertThat(plain.status()).isEqualTo(400);
        assertThat(dialpadRequests()).isEmpty();
    }

    @Test
    void aDialpadRefusalIs502WithoutSecrets() {
        DIALPAD.stubFor(post("/api/v2/webhooks").willReturn(aResponse().withStatus(403).withBody("{\"error\": {\"message\": \"admin only\"}}")));

        Answer answer = subscribe("{\"hook_url\": \"https://ctc.example.com/dialpad/events\"}", ADMIN_KEY);

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("dialpad_error");
        assertThat(answer.body()).doesNotContain(WEBHOOK_SECRET).doesNotContain(DIALPAD_ADMIN_API_KEY);
    }
}
