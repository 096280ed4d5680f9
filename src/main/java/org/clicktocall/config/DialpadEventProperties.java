package org.clicktocall.config;

import java.nio.charset.StandardCharsets;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How Dialpad's call events are accepted ({@code dialpad.webhook.*} in config/application.yaml, which says why each
 * value is what it is), read and checked once at start: a secret shorter than HS256's 256 bits stops the start,
 * naming DIALPAD_WEBHOOK_SECRET. {@link #toString()} never shows the secret.
 *
 * @param secret        the HS256 secret Dialpad signs events with; empty: events are refused (403)
 * @param allowUnsigned plain-JSON events, only for local experiments (anyone could forge them)
 * @param maxAgeSeconds an event issued longer ago than this is refused as a replay
 */
@ConfigurationProperties("dialpad.webhook")
public record DialpadEventProperties(@DefaultValue("") String secret,
                                     @DefaultValue("false") boolean allowUnsigned,
                                     @DefaultValue("900") long maxAgeSeconds) {

    public DialpadEventProperties {
        if (!secret.isEmpty() && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalStateException("DIALPAD_WEBHOOK_SECRET must be at least 32 characters (HS256 needs a"
                    + " 256-bit key); generate one with `openssl rand -hex 32`");
        }
        if (maxAgeSeconds <= 0) {
            throw new IllegalStateException("dialpad.webhook.max-age-seconds must be > 0");
        }
    }

    public boolean hasSecret() {
        return !secret.isEmpty();
    }

    @Override
    public String toString() {
        return "DialpadEventProperties[secret=" + (secret.isEmpty() ? "" : "***") + ", allowUnsigned=" + allowUnsigned
                + ", maxAgeSeconds=" + maxAgeSeconds + "]";
    }
}
