package org.clicktocall.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The live status streams' bounds are read once; one that would not bound anything stops the start and says which. */
class CallStreamPropertiesTest {

    private static CallStreamProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("calls.streams", CallStreamProperties.class);
    }

    @Test
    void boundedByDefault() {
        assertThat(bind(Map.of())).isEqualTo(new CallStreamProperties(500, 4, 100, Duration.ofMinutes(5),
                Duration.ofSeconds(15), Duration.ofSeconds(1)));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"max-streams, 0", "max-per-rep, -1", "max-per-key, 0", "max-lifetime, 0s", "max-lifetime, 2h",
            "heartbeat, 10ms", "heartbeat, 5m", "poll-interval, 0s", "poll-interval, 1m"})
    void aValueOutsideItsBoundStopsTheStartNamingTheSetting(String key, String value) {
        assertThatThrownBy(() -> bind(Map.of("calls.streams." + key, value)))
                .rootCause().hasMessageContaining("calls.streams.").hasMessageContaining(key);
    }
}
