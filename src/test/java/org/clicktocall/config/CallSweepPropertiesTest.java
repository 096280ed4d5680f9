package org.clicktocall.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** calls.sweep.* is read once; a batch Dialpad's lookup limit cannot take stops the start and says why. */
class CallSweepPropertiesTest {

    private static CallSweepProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("calls.sweep", CallSweepProperties.class);
    }

    @Test
    void tenMinutesTwoHoursAndEightLookupsByDefault() {
        assertThat(bind(Map.of())).isEqualTo(new CallSweepProperties(600, 7200, 8));
        assertThat(bind(Map.of()).sqlParameters()).isEqualTo(Map.of("staleAfterSeconds", 600,
                "giveUpAfterSeconds", 7200, "sweepBatch", 8));
    }

    @ParameterizedTest(name = "batch {0}, stale {1}, give up {2} -> {3}")
    @CsvSource({
            "0,  600, 7200, ok",
            "10, 600, 7200, ok",
            "11, 600, 7200, calls.sweep.batch must be 0 to 10",
            "-1, 600, 7200, calls.sweep.batch must be 0 to 10",
            "8,  0,   7200, must be > 0",
            "8,  600, 0,    must be > 0"})
    void settingsOutsideTheirBoundsStopTheStart(int batch, int stale, int giveUp, String outcome) {
        Map<String, String> values = new HashMap<>();
        values.put("calls.sweep.batch", String.valueOf(batch));
        values.put("calls.sweep.stale-after-seconds", String.valueOf(stale));
        values.put("calls.sweep.give-up-after-seconds", String.valueOf(giveUp));
        if (outcome.equals("ok")) {
            assertThat(bind(values).batch()).isEqualTo(batch);
        } else {
            assertThatThrownBy(() -> bind(values)).rootCause().hasMessageContaining(outcome);
        }
    }
}
