package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * /openapi.json is rendered at its first request and then served from memory: the first caller's headers must not
 * choose what every later caller is shown (proxy headers pick the server URL), nor come back in the answer. A context of its own, so its first request is this
 * test's.
 */
@TestPropertySource(properties = "app.test-context=openapi-description-cache")
class OpenApiDescriptionCacheTest extends ServiceTest {

    @Test
    void everyCallerGetsTheSameDescriptionWhateverProxyHeadersTheFirstSent() {
        Answer first = send("GET", "/openapi.json", null, "X-Forwarded-Host", "attacker.example",
                "X-Forwarded-Proto", "https", "X-Forwarded-Prefix", "/phish", "Forwarded", "host=attacker.example",
                "Accept", "application/json, text/yaml", "Authorization", "Bearer FAKE-SECRET-7f3a");
        Answer again = send("GET", "/openapi.json", null);
        Answer third = send("GET", "/openapi.json", null, "X-Forwarded-Host", "other.example");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("Content-Type")).startsWith("application/json");
        assertThat(first.body()).contains("\"create-call\"").doesNotContain("attacker.example").doesNotContain("/phish");
        // Camel's API route copies the request's headers into its answer: none reach it, so none come back
        assertThat(first.headers().toString()).doesNotContain("FAKE-SECRET").doesNotContain("attacker.example");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.header("Content-Type")).isEqualTo(first.header("Content-Type"));
        assertThat(third.body()).isEqualTo(first.body());
    }
}
