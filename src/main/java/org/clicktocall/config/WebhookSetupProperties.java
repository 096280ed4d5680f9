package org.clicktocall.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the admin webhook setup needs ({@code dialpad.api-key}, {@code dialpad.webhook.secret}), read once at start.
 * Both may be empty: the service runs without them, and the setup answers 409 naming the one to set. (Only these
 * keys are bound here; the rest of {@code dialpad.*} belongs to other features.) {@link #toString()} shows neither.
 *
 * @param apiKey  the company admin API key Dialpad's webhook and subscription endpoints take (DIALPAD_API_KEY)
 * @param webhook the webhook's shared secret (DIALPAD_WEBHOOK_SECRET), which Dialpad signs events with
 */
@ConfigurationProperties("dialpad")
public record WebhookSetupProperties(@DefaultValue("") String apiKey, @DefaultValue Webhook webhook) {

    /** @param secret the HS256 secret Dialpad signs call events with */
    public record Webhook(@DefaultValue("") String secret) {
        @Override
        public String toString() {
            return "Webhook[secret=" + (secret.isEmpty() ? "" : "***") + "]";
        }
    }

    public boolean hasApiKey() {
        return !apiKey.isEmpty();
    }

    public boolean hasSecret() {
        return !webhook.secret().isEmpty();
    }

    @Override
    public String toString() {
        return "WebhookSetupProperties[apiKey=" + (apiKey.isEmpty() ? "" : "***") + ", webhook=" + webhook + "]";
    }
}
