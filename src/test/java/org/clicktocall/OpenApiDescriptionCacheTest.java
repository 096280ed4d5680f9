package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * /openapi.json is rendered at its first request and then served from memory: the first caller's proxy headers
 * must not choose the server URL every later caller is shown. A context of its own, so its first request is this
 * test's.
 */
@TestPropertySource(properties = "app.test-context=openapi-description-cache")
class OpenApiDescriptionCacheTest extends ServiceTest {

    @Test
    void everyCallerGetsTheSameDescriptionWhateverProxyHeadersTheFirstSent() {
        Answer first = send("GET", "/openapi.json", null, "X-Forwarded-Host", "attacker.example",
                "X-Forwarded-Proto", "https", "X-Forwarded-Prefix", "/phish", "Forwarded", "host=attacker.example");
        Answer again = send("GET", "/openapi.json", null);
        Answer third = send("GET", "/openapi.json", null, "X-Forwarded-Host", "other.example");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("Content-Type")).startsWith("application/json");
        assertThat(first.body()).contains("\"create-call\"").doesNotContain("attacker.example").doesNotContain("/phish");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.header("Content-Type")).isEqualTo(first.header("Content-Type"));
        assertThat(third.body()).isEqualTo(first.body());
    }
}
