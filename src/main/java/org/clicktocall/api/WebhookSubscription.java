package org.clicktocall.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The 201 body of POST /admin/dialpad/webhook-subscription: what Dialpad now sends call events to. Built by
 * {@code WebhookSetup.subscribed}, marshalled by the {@code subscribe-to-call-events} route. Never the secret.
 */
@Schema(name = "WebhookSubscription", description = "Dialpad's webhook for this service and its call event subscription")
@JsonPropertyOrder({"webhook_id", "subscription_id", "hook_url", "call_states"})
public record WebhookSubscription(
        @JsonProperty("webhook_id")
        @Schema(description = "Dialpad's id of the webhook", example = "5200000000000001")
        long webhookId,
        @JsonProperty("subscription_id")
        @Schema(description = "Dialpad's id of the call event subscription", example = "5300000000000002")
        long subscriptionId,
        @JsonProperty("hook_url")
        @Schema(example = "https://ctc.example.com/dialpad/events")
        String hookUrl,
        @JsonProperty("call_states")
        @Schema(example = "[\"ringing\", \"connected\", \"hangup\"]")
        List<String> callStates) {
}
