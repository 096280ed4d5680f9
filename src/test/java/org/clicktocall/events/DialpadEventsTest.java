package org.clicktocall.events;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.clicktocall.web.ApiException;
import org.junit.jupiter.api.Test;

class DialpadEventsTest {

    @Test
    void withoutASecretEventsAreRefusedUnlessPlainJsonIsAllowed() {
        DialpadEvents events = new DialpadEvents("", false, 900, new SimpleMeterRegistry());
        assertThatThrownBy(() -> events.read("{\"call_id\": 1, \"state\": \"ringing\"}"))
                .isInstanceOfSatisfying(ApiException.class, e -> org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void aShortSecretFailsAtStartNamingTheSetting() {
        assertThatThrownBy(() -> new DialpadEvents("short", false, 900, new SimpleMeterRegistry()))
                .hasMessageContaining("DIALPAD_WEBHOOK_SECRET");
    }
}
