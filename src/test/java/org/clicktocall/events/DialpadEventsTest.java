package org.clicktocall.events;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.clicktocall.config.DialpadEventProperties;
import org.clicktocall.web.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DialpadEventsTest {

    @Test
    void withoutASecretEventsAreRefusedUnlessPlainJsonIsAllowed() {
        DialpadEvents events = new DialpadEvents(new DialpadEventProperties("", false, 900), new SimpleMeterRegistry());
        assertThatThrownBy(() -> events.read("{\"call_id\": 1, \"state\": \"ringing\"}"))
                .isInstanceOfSatisfying(ApiException.class, e -> org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void aShortSecretFailsAtStartNamingTheSetting() {
        assertThatThrownBy(() -> new DialpadEvents(new DialpadEventProperties("short", false, 900), new SimpleMeterRegistry()))
                .hasMessageContaining("DIALPAD_WEBHOOK_SECRET");
    }

    private static final Instant NOW = Instant.parse("2026-03-04T10:00:00Z");
    private static final Duration MAX_AGE = Duration.ofSeconds(900);

    /** Seconds from NOW for iat and exp (empty: the claim is absent) and why the event is refused (empty: fresh). */
    @ParameterizedTest(name = "iat {0}, exp {1}: {2}")
    @CsvSource(delimiter = '|', nullValues = "", value = {
            "      |      | no iat or exp claim",
            "0     |      | ",
            "-899  |      | ",
            "-901  |      | issued too long ago",
            "59    |      | ",
            "61    |      | issued in the future",
            "      | 300  | ",
            "      | -59  | ",
            "      | -61  | expired",
            "      | 960  | ",
            "      | 961  | exp too far ahead",
            "0     | -61  | expired",
            "0     | 86400| ",
    })
    void freshnessOfASignedEvent(Long iat, Long exp, String refusal) {
        assertThat(DialpadEvents.staleness(at(iat), at(exp), NOW, MAX_AGE)).isEqualTo(refusal);
    }

    private static Date at(Long secondsFromNow) {
        return secondsFromNow == null ? null : Date.from(NOW.plusSeconds(secondsFromNow));
    }

    @ParameterizedTest(name = "stored {0}, applied {1}: {2}")
    @CsvSource({"0, 0, duplicate", "1, 1, applied", "1, 0, unmatched"})
    void whatHappenedToAnEvent(long stored, long applied, String outcome) {
        assertThat(DialpadEvents.outcomeOf(stored, applied)).isEqualTo(outcome);
    }

    /** Dialpad's state, and where it puts our call: status and rank (a call never moves to a lower rank). */
    @ParameterizedTest(name = "{0} -> {1} ({2})")
    @CsvSource(nullValues = "null", value = {
            "calling, calling, 2", "ringing, ringing, 2", "PREANSWER, ringing, 2", "connected, connected, 3",
            "hold, connected, 3", "voicemail, voicemail, 5", "voicemail_uploaded, voicemail, 5", "missed, missed, 5",
            "blocked, rejected, 5", "hangup, ended, 5", "postcall, ended, 5", "parked, null, 0",
    })
    void whereAStatePutsTheCall(String state, String status, int rank) throws Exception {
        CallEvent event = DialpadEvents.event(new ObjectMapper().readTree(
                "{\"call_id\": 42, \"state\": \"" + state + "\", \"date_ended\": 1700000000000}"));
        assertThat(event.status()).isEqualTo(status);
        assertThat(event.rank()).isEqualTo(rank);
        assertThat(event.endedAt() != null).as("ended_at only for a final state").isEqualTo(rank == DialpadEvents.FINAL);
    }

    @Test
    void theCallObjectBecomesTheStatementsParameters() throws Exception {
        CallEvent event = DialpadEvents.event(new ObjectMapper().readTree("""
                {"call_id": 42, "state": "hangup", "custom_data": "0b8f2f5e-8f0e-4b39-9f53-1f2b3c4d5e6f",
                 "event_timestamp": 1700000000000, "date_connected": 1699999990000, "date_ended": 1700000000000,
                 "duration": 9999.6, "recording_details": [{"url": "https://dialpad.example/r/1"}]}"""));
        assertThat(event.sqlParameters()).containsEntry("callId", "42").containsEntry("status", "ended")
                .containsEntry("rank", 5).containsEntry("durationMs", 10000L)
                .containsEntry("recordingUrl", "https://dialpad.example/r/1")
                .containsKeys("callRef", "eventAt", "answeredAt", "endedAt", "customData", "payload", "state");
        assertThat(event.callRef()).hasToString("0b8f2f5e-8f0e-4b39-9f53-1f2b3c4d5e6f");
        assertThat(event.toString()).doesNotContain("dialpad.example").doesNotContain("payload");
        assertThat(DialpadEvents.event(new ObjectMapper().readTree("{\"state\": \"ringing\"}"))).isNull();
        assertThat(DialpadEvents.event(new ObjectMapper().readTree("{\"call_id\": 1, \"state\": 3}"))).isNull();
    }
}
