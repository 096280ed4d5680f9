package org.clicktocall.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.clicktocall.api.WebhookSubscription;
import org.clicktocall.config.WebhookSetupProperties;
import org.clicktocall.web.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The webhook setup's steps are functions of Dialpad's status and body and of the plan: a table each. */
class WebhookSetupDecisionsTest {

    static final WebhookSetup SETUP = new WebhookSetup(new WebhookSetupProperties("FAKE-ADMIN-KEY",
            new WebhookSetupProperties.Webhook("FAKE-WEBHOOK-SECRET-0123456789abcdef")));
    static final String HOOK = "https://ctc.example.com/dialpad/events";

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "200 | {\"id\": 5200000000000001}        | 5200000000000001",
            "201 | {\"id\": 7, \"hook_url\": \"x\"}  | 7"})
    void aCreatedIdIsReadFromA2xxAnswer(Integer status, String body, long id) {
        assertThat(WebhookSetup.createdId(status, body, "create the webhook")).isEqualTo(id);
    }

    @ParameterizedTest(name = "{0} {1} -> 502 (HTTP {2})")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "403 | {\"id\": 1, \"error\": \"admin only\"} | 403",
            "500 | -                                    | 500",
            "200 | -                                    | 200",
            "200 | not json                             | 200",
            "200 | {\"hook_url\": \"x\"}                | 200",
            "200 | {\"id\": \"abc\"}                    | 200",
            "200 | {\"id\": \"8\"}                      | 200",
            "200 | [1, 2]                               | 200",
            "-   | {\"id\": 1}                          | 0"})
    void anythingElseIs502WithDialpadsStatus(Integer status, String body, int shown) {
        assertThatThrownBy(() -> WebhookSetup.createdId(status, body, "create the webhook"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.code()).isEqualTo("dialpad_error");
                    assertThat(e.getMessage()).isEqualTo("Dialpad did not create the webhook (HTTP " + shown + ")");
                });
    }

    @ParameterizedTest(name = "api key ''{0}'', secret ''{1}'' -> {2}")
    @CsvSource({"'', FAKE-SECRET, dialpad_api_key_missing", "FAKE-KEY, '', webhook_secret_missing",
            "'', '', webhook_secret_missing"})
    void aMissingSettingIs409NamingIt(String apiKey, String secret, String code) {
        WebhookSetup setup = new WebhookSetup(new WebhookSetupProperties(apiKey, new WebhookSetupProperties.Webhook(secret)));
        assertThatThrownBy(() -> setup.request("{\"hook_url\": \"" + HOOK + "\"}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo(code);
                });
    }

    @Test
    void thePlanCarriesTheRequestThenTheWebhookIntoTheAnswer() {
        WebhookSetup.Plan plan = SETUP.request("""
                {"hook_url": "%s", "call_states": ["ringing", "hangup"], "target_type": "office", "target_id": 42}"""
                .formatted(HOOK));
        assertThat(plan).isEqualTo(new WebhookSetup.Plan(HOOK, List.of("ringing", "hangup"), "office", 42L, null));
        assertThat(SETUP.webhookBody(plan)).containsEntry("hook_url", HOOK)
                .containsEntry("secret", "FAKE-WEBHOOK-SECRET-0123456789abcdef");

        WebhookSetup.Plan created = SETUP.webhookCreated(200, "{\"id\": 5200000000000001}", plan);

        assertThat(created.webhookId()).isEqualTo(5200000000000001L);
        assertThat(plan.webhookId()).as("the plan given is not changed").isNull();
        assertThat(SETUP.subscriptionBody(created)).containsEntry("endpoint_id", 5200000000000001L)
                .containsEntry("call_states", List.of("ringing", "hangup")).containsEntry("enabled", true)
                .containsEntry("target_type", "office").containsEntry("target_id", 42L);
        assertThat(SETUP.subscribed(200, "{\"id\": 5300000000000002}", created)).isEqualTo(new WebhookSubscription(
                5200000000000001L, 5300000000000002L, HOOK, List.of("ringing", "hangup")));
    }

    @Test
    void withoutCallStatesEveryStateIsSubscribedAndNoTargetIsSent() {
        WebhookSetup.Plan plan = SETUP.request("{\"hook_url\": \"" + HOOK + "\"}");
        assertThat(plan.callStates()).isEqualTo(WebhookSetup.DEFAULT_STATES);
        assertThat(SETUP.subscriptionBody(plan.withWebhook(1))).doesNotContainKeys("target_type", "target_id");
    }

    @Test
    void theSettingsNeverShowTheirSecrets() {
        assertThat(new WebhookSetupProperties("FAKE-ADMIN-KEY", new WebhookSetupProperties.Webhook("FAKE-SECRET")))
                .asString().doesNotContain("FAKE-ADMIN-KEY").doesNotContain("FAKE-SECRET");
    }
}
