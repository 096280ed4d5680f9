package org.clicktocall.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** A record that implements SqlParameters reaches camel-sql as its read-only parameter map. */
class SqlParametersConverterTest {

    record Checked(UUID id, String secret) implements SqlParameters {
        @Override
        public Map<String, Object> sqlParameters() {
            return SqlParameters.of("id", id);
        }
    }

    @Test
    void camelConvertsAnySqlParametersValueToItsMap() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getTypeConverterRegistry().addTypeConverters(new SqlParametersConverter());
            camel.start();
            UUID id = UUID.randomUUID();

            Map<?, ?> parameters = camel.getTypeConverter().convertTo(Map.class, new Checked(id, "FAKE-SECRET"));

            assertThat(parameters).isEqualTo(Map.of("id", id));
        }
    }

    @Test
    void nullValuesAreKeptInOrder() {
        assertThat(SqlParameters.of("a", 1, "b", null, "c", "x").entrySet()).extracting(Map.Entry::getKey)
                .containsExactly("a", "b", "c");
        assertThat(SqlParameters.of("b", null)).containsEntry("b", null);
    }
}
