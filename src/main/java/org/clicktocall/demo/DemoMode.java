package org.clicktocall.demo;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * Demo mode: with nothing Dialpad-related configured, the service talks to its own built-in Dialpad simulator
 * ({@link DemoDialpad}, under /demo-dialpad) instead of dialpad.com, so a newcomer can connect a rep, click Call and
 * watch the call ring, connect and end with no Dialpad account (try it at /try).
 *
 * <p>{@code DEMO_MODE}: {@code auto} (default) turns it on only when none of DIALPAD_BASE_URL, DIALPAD_CLIENT_ID,
 * DIALPAD_CLIENT_SECRET, DIALPAD_REDIRECT_URI, DIALPAD_API_KEY and DIALPAD_WEBHOOK_SECRET is set and the {@code prod}
 * profile is not active; {@code off} never. Demo mode is refused under {@code prod}.
 */
public class DemoMode implements EnvironmentPostProcessor, Ordered {

    public static final String ACTIVE = "demo.active";
    static final String REAL_DIALPAD = "https://dialpad.com";
    private static final List<String> DIALPAD_SETTINGS = List.of("dialpad.oauth.client-id", "dialpad.oauth.client-secret",
            "dialpad.oauth.redirect-uri", "dialpad.api-key", "dialpad.webhook.secret");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String mode = environment.getProperty("demo.mode", "auto").trim().toLowerCase(java.util.Locale.ROOT);
        if (mode.equals("off") || mode.equals("false")) {
            return;
        }
        if (!mode.equals("auto")) {
            throw new IllegalStateException("DEMO_MODE is auto or off (demo mode turns itself on only when nothing"
                    + " Dialpad-related is configured)");
        }
        boolean configured = DIALPAD_SETTINGS.stream().anyMatch(k -> !environment.getProperty(k, "").isBlank())
                || !REAL_DIALPAD.equals(environment.getProperty("dialpad.base-url", REAL_DIALPAD));
        if (configured || environment.acceptsProfiles(Profiles.of("prod"))) {
            return;   // a real Dialpad, or production: never the simulator
        }
        // A placeholder, resolved when read: a test's port is set after this runs.
        String port = "${server.port:8080}";
        String self = "http://localhost:" + port;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        environment.getPropertySources().addFirst(new MapPropertySource("demoMode", Map.of(
                ACTIVE, "true",
                "dialpad.base-url", "http://127.0.0.1:" + port + "/demo-dialpad",
                "dialpad.oauth.client-id", "demo-client",
                "dialpad.oauth.client-secret", HexFormat.of().formatHex(secret).substring(0, 24),
                "dialpad.oauth.redirect-uri", self + "/oauth/dialpad/callback",
                "dialpad.oauth.return-url", self + "/try",
                // The simulator signs its events with this per-start secret, as Dialpad signs with the webhook's.
                "dialpad.webhook.secret", HexFormat.of().formatHex(secret))));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
