package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.ProducerTemplate;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Calls whose events never came are looked up at Dialpad (within its 10/min limit) or closed as unknown. */
class CallSweepTest extends ServiceTest {

    @Autowired
    ProducerTemplate producer;

    private static long nextId = 8_100_000_000_000_000L;

    @BeforeEach
    void noOtherOpenCalls() {
        jdbc.update("UPDATE calls SET status = 'ended', status_rank = 5 WHERE status_rank BETWEEN 0 AND 3");
    }

    private String initiatedCall(String repId, long callId, int minutesAgo) {
        connectRep(repId);
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"" + callId + "\"}")));
        String id = postCall("{\"rep_id\": \"" + repId + "\", \"to_number\": \"5558000001\"}").json().get("id").asText();
        jdbc.update("UPDATE calls SET started_at = now() - make_interval(mins => ?), updated_at = now() - make_interval(mins => ?)"
                + " WHERE id = ?::uuid", minutesAgo, minutesAgo, id);
        return id;
    }

    @Test
    void aCallWhoseEventsNeverCameIsClosedWithWhatDialpadSays() {
        long callId = ++nextId;
        String id = initiatedCall("rep-sweep", callId, 20);
        DIALPAD.stubFor(get("/api/v2/call/" + callId).willReturn(okJson("""
                {"call_id": %d, "state": "hangup", "custom_data": "%s", "date_connected": 1764000000000,
                 "date_ended": 1764000065000, "duration": 65000}""".formatted(callId, id))));

        producer.sendBody("direct:sweep-calls", null);

        var lookups = DIALPAD.findAll(getRequestedFor(urlMatching("/api/v2/call/.*")));
        assertThat(lookups).hasSize(1);
        assertThat(lookups.get(0).getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
        assertThat(callRow(id)).containsEntry("status", "ended").containsEntry("duration_ms", 65000L);
        assertThat(callRow(id).get("last_checked_at")).isNotNull();
    }

    @Test
    void staysUnderDialpadsLookupLimitPerRun() {
        for (int i = 0; i < 12; i++) {
            initiatedCall("rep-sweep-many-" + i, ++nextId, 30);
        }
        DIALPAD.stubFor(get(urlMatching("/api/v2/call/.*")).willReturn(okJson("{\"call_id\": 1, \"state\": \"connected\"}")));

        producer.sendBody("direct:sweep-calls", null);
        int firstRun = DIALPAD.findAll(getRequestedFor(urlMatching("/api/v2/call/.*"))).size();
        producer.sendBody("direct:sweep-calls", null);
        int bothRuns = DIALPAD.findAll(getRequestedFor(urlMatching("/api/v2/call/.*"))).size();

        assertThat(firstRun).isEqualTo(8);
        assertThat(bothRuns).as("the second run asks about the 4 not yet checked").isEqualTo(12);
    }

    @Test
    void aCallStillOpenLongAfterItStartedIsClosedAsUnknown() {
        String id = initiatedCall("rep-sweep-old", ++nextId, 180);
        DIALPAD.stubFor(get(urlMatching("/api/v2/call/.*")).willReturn(okJson("{}").withStatus(404)));

        producer.sendBody("direct:sweep-calls", null);

        assertThat(callRow(id)).containsEntry("status", "unknown");
    }
}
