package org.clicktocall.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.mock.env.MockEnvironment;

/** The dev profile's live reload and developer console are refused under prod, even when both profiles are on. */
class ProdRefusesTheDevLoopTest {

    @Test
    void prodWithTheDevProfilesSettingsRefusesToStartNamingThem() throws Exception {
        MockEnvironment environment = productionReady();
        List<PropertySource<?>> dev = new YamlPropertySourceLoader()
                .load("dev", new FileSystemResource("config/application-dev.yaml"));
        dev.forEach(environment.getPropertySources()::addFirst);
        assertThat(environment.getProperty("app.routes-reload.enabled")).isEqualTo("true");
        environment.setActiveProfiles("prod", "dev");

        assertThatThrownBy(() -> new ProductionSettings(environment).afterPropertiesSet())
                .hasMessageContaining("refuses dev-only settings")
                .hasMessageContaining("app.routes-reload.enabled")
                .hasMessageContaining("camel.main.dev-console-enabled");
    }

    @Test
    void camelsOwnRouteReloadIsRefusedUnderProdToo() {
        MockEnvironment environment = productionReady().withProperty("camel.main.routes-reload-enabled", "true");
        environment.setActiveProfiles("prod");

        assertThatThrownBy(() -> new ProductionSettings(environment).afterPropertiesSet())
                .hasMessageContaining("camel.main.routes-reload-enabled");
    }

    private static MockEnvironment productionReady() {
        return new MockEnvironment()
                .withProperty("calls.api-keys", "a-long-enough-crm-key")
                .withProperty("calls.admin-api-keys", "a-long-enough-admin-key")
                .withProperty("tokens.encryption-key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
                .withProperty("spring.datasource.url", "jdbc:postgresql://db:5432/clicktocall");
    }
}
