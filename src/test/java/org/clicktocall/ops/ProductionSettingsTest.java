package org.clicktocall.ops;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class ProductionSettingsTest {

    @Test
    void theProdProfileRefusesToStartWithoutKeysAndAnExternalDatabase() {
        MockEnvironment environment = new MockEnvironment().withProperty("calls.api-keys", "a-long-enough-crm-key");
        environment.setActiveProfiles("prod");

        assertThatThrownBy(() -> new ProductionSettings(environment).afterPropertiesSet())
                .hasMessageContaining("CALLS_ADMIN_API_KEYS").hasMessageContaining("TOKEN_ENCRYPTION_KEY")
                .hasMessageContaining("SPRING_DATASOURCE_URL").hasMessageNotContaining("CALLS_API_KEYS (");
    }

    @Test
    void withoutTheProdProfileGeneratedSecretsAreFine() {
        assertThatCode(() -> new ProductionSettings(new MockEnvironment()).afterPropertiesSet()).doesNotThrowAnyException();
    }
}
