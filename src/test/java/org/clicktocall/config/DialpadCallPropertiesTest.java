package org.clicktocall.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** DIALPAD_CALL_MODE is resolved once, in any case; a value that is not a mode stops the start and says which. */
class DialpadCallPropertiesTest {

    private static DialpadCallProperties bind(String callMode) {
        Map<String, String> values = new HashMap<>();
        if (callMode != null) {
            values.put("dialpad.call-mode", callMode);
        }
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("dialpad", DialpadCallProperties.class);
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource({"ring, RING", "Ring, RING", "' RING ', RING", "initiate, INITIATE", "Initiate, INITIATE",
            "INITIATE, INITIATE"})
    void anyCaseNamesTheMode(String text, CallMode mode) {
        assertThat(bind(text).callMode()).isEqualTo(mode);
    }

    @org.junit.jupiter.api.Test
    void ringAndSixtySecondsByDefault() {
        assertThat(bind(null)).isEqualTo(new DialpadCallProperties(CallMode.RING, 60));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dial", "initiate_call", "", "rings"})
    void anyOtherValueStopsTheStartNamingTheVariable(String text) {
        assertThatThrownBy(() -> bind(text))
                .rootCause().hasMessageContaining("DIALPAD_CALL_MODE").hasMessageContaining("'" + text + "'");
    }
}
