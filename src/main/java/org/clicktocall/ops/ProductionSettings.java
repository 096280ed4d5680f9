package org.clicktocall.ops;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * With the {@code prod} profile, the conveniences of a zero-configuration start (generated keys, embedded
 * database) are refused: the start fails naming every missing setting, instead of running with secrets that
 * exist on one machine only.
 */
@Component
public class ProductionSettings implements InitializingBean {

    /** Conveniences of the dev profile (config/application-dev.yaml) that must never run in production. */
    private static final List<String> DEV_ONLY = List.of("app.routes-reload.enabled", "camel.main.routes-reload-enabled",
            "camel.main.dev-console-enabled");

    private final Environment environment;

    public ProductionSettings(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void afterPropertiesSet() {
        if (!environment.acceptsProfiles(Profiles.of("prod"))) {
            return;
        }
        List<String> missing = new ArrayList<>();
        require("calls.api-keys", "CALLS_API_KEYS", missing);
        require("calls.admin-api-keys", "CALLS_ADMIN_API_KEYS", missing);
        require("tokens.encryption-key", "TOKEN_ENCRYPTION_KEY", missing);
        require("spring.datasource.url", "SPRING_DATASOURCE_URL", missing);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The prod profile needs these settings: " + String.join(", ", missing));
        }
        // the dev loop's conveniences: live route reload and the developer console
        List<String> refused = DEV_ONLY.stream().filter(p -> environment.getProperty(p, Boolean.class, false)).toList();
        if (!refused.isEmpty()) {
            throw new IllegalStateException("The prod profile refuses dev-only settings: " + String.join(", ", refused)
                    + " (is the dev profile on as well?)");
        }
    }

    private void require(String property, String variable, List<String> missing) {
        String value = environment.getProperty(property);
        if (value == null || value.isBlank()) {
            missing.add(variable + " (" + property + ")");
        }
    }
}
