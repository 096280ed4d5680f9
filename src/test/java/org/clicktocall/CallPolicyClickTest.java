package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.clicktocall.support.ServiceTest;
import org.clicktocall.support.SqlSteps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Who may be called, on the click: the do-not-call list, the destination and the recipient's calling hours decide
 * before Dialpad is asked and before any link is offered. A refused click answers 201 "blocked" with the reason,
 * leaves exactly one calls row (status blocked) and sends Dialpad nothing.
 */
class CallPolicyClickTest extends ServiceTest {

    /** Idaho: libphonenumber maps +1 208 to two zones, Boise (Mountain) and Los Angeles (Pacific), an hour apart. */
    private static final String IDAHO = "+12085550143";

    @Autowired
    MeterRegistry meters;

    @AfterEach
    void forgetListedNumbers() {
        jdbc.update("DELETE FROM do_not_call WHERE number LIKE '+1208555%'");
    }

    private Answer click(String repId, String number) {
        return postCall("{\"rep_id\": \"" + repId + "\", \"to_number\": \"" + number + "\"}");
    }

    private void dialpadWouldRing() {
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"7100000000000001\"}")));
    }

    private double blockedCount(String reason) {
        var counter = meters.find("clicktocall.calls.blocked").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private int rowsOf(String id) {
        return jdbc.queryForObject("SELECT count(*) FROM calls WHERE id = ?::uuid", Integer.class, id);
    }

    @Test
    void aNumberOnTheDoNotCallListIsBlockedWithOneRowAndNoDialpadRequest() {
        connectRep("rep-dnc");
        dialpadWouldRing();
        Answer listed = send("PUT", "/admin/do-not-call/%2B12085550100", "{\"reason\": \"asked not to be called\"}",
                "X-API-Key", ADMIN_KEY, "Content-Type", "application/json");
        assertThat(listed.status()).isEqualTo(200);
        double before = blockedCount("do_not_call");
        int callsBefore = callCount();

        Answer answer = click("rep-dnc", "(208) 555-0100");

        assertThat(answer.status()).isEqualTo(201);
        System.out.println("README blocked-do-not-call: " + answer.body());
        JsonNode body = answer.json();
        String id = body.get("id").asText();
        assertThat(answer.header("Location")).isEqualTo("/calls/" + id);
        assertThat(body.get("action").asText()).isEqualTo("blocked");
        assertThat(body.get("status").asText()).isEqualTo("blocked");
        assertThat(body.get("reason").asText()).isEqualTo("do_not_call");
        assertThat(body.get("message").asText()).isEqualTo("Not calling +12085550100: this number is on the do-not-call list");
        assertThat(body.has("tel_uri")).as("no link for a blocked number").isFalse();
        assertThat(body.has("dialpad_uri")).isFalse();
        assertThat(body.get("dialpad_call_id").isNull()).isTrue();
        assertThat(dialpadRequests()).isEmpty();
        assertThat(callCount()).isEqualTo(callsBefore + 1);
        assertThat(callRow(id)).containsEntry("status", "blocked").containsEntry("fallback_reason", "do_not_call")
                .containsEntry("status_rank", 9).containsEntry("channel", "api")
                .containsEntry("to_number", "+12085550100").containsEntry("rep_id", "rep-dnc");
        assertThat(blockedCount("do_not_call")).isEqualTo(before + 1);

        Answer stored = send("GET", "/calls/" + id, null, "X-API-Key", CRM_KEY);
        assertThat(stored.json().get("action").asText()).isEqualTo("blocked");
        assertThat(stored.json().get("tel_uri").isNull()).isTrue();
    }

    @Test
    void theListIsReadFromTheDatabaseOnEveryClickSoEveryInstanceSeesAnEntryAtOnce() {
        connectRep("rep-dnc-shared");
        dialpadWouldRing();
        assertThat(click("rep-dnc-shared", "+12085550101").json().get("action").asText()).isEqualTo("dialpad");

        // as another instance's admin endpoint would: straight into PostgreSQL, no cache to invalidate anywhere
        jdbc.update("INSERT INTO do_not_call (number) VALUES ('+12085550101')");
        DIALPAD.resetRequests();

        assertThat(click("rep-dnc-shared", "+12085550101").json().get("reason").asText()).isEqualTo("do_not_call");
        assertThat(dialpadRequests()).isEmpty();
    }

    @Test
    void aRepWithoutDialpadGetsNoPhoneLinkForABlockedNumberEither() {
        jdbc.update("INSERT INTO do_not_call (number) VALUES ('+12085550102')");

        Answer answer = click("rep-dnc-never-connected", "+12085550102");

        assertThat(answer.json().get("action").asText()).isEqualTo("blocked");
        assertThat(answer.json().has("tel_uri")).isFalse();
        assertThat(callRow(answer.json().get("id").asText())).containsEntry("status", "blocked")
                .containsEntry("fallback_reason", "do_not_call");
    }

    @Test
    void aNumberWhoseZonesStraddleTheWindowIsBlockedUntilEveryZoneIsInside() {
        connectRep("rep-hours");
        dialpadWouldRing();
        // Wednesday 15:30 UTC: 08:30 in Boise (inside 08:00-21:00) but 07:30 in Los Angeles (outside)
        clock.set(Instant.parse("2026-01-14T15:30:00Z"));
        double before = blockedCount("outside_calling_hours");
        int callsBefore = callCount();

        Answer answer = click("rep-hours", IDAHO);

        assertThat(answer.status()).isEqualTo(201);
        System.out.println("README blocked-outside-hours: " + answer.body());
        JsonNode body = answer.json();
        String id = body.get("id").asText();
        assertThat(body.get("action").asText()).isEqualTo("blocked");
        assertThat(body.get("reason").asText()).isEqualTo("outside_calling_hours");
        assertThat(body.get("message").asText())
                .isEqualTo("Not calling +12085550143: outside calling hours (08:00-21:00 the recipient's time)");
        assertThat(body.get("recipient_local_times")).hasSize(2);
        assertThat(localTimes(body)).containsEntry("America/Boise", "2026-01-14T08:30")
                .containsEntry("America/Los_Angeles", "2026-01-14T07:30");
        assertThat(body.get("next_allowed_at").asText()).isEqualTo("2026-01-14T16:00:00Z");
        assertThat(body.has("tel_uri")).isFalse();
        assertThat(dialpadRequests()).isEmpty();
        // start-click.sql had logged the click as pending (the list did not name it): the same row became blocked
        assertThat(callCount()).isEqualTo(callsBefore + 1);
        assertThat(rowsOf(id)).isEqualTo(1);
        assertThat(callRow(id)).containsEntry("status", "blocked").containsEntry("fallback_reason", "outside_calling_hours")
                .containsEntry("fallback_detail", "Outside calling hours (08:00-21:00 the recipient's time)");
        assertThat(blockedCount("outside_calling_hours")).isEqualTo(before + 1);

        // 20:30 in Los Angeles but 21:30 in Boise: blocked again, until the next morning
        clock.set(Instant.parse("2026-01-15T04:30:00Z"));
        Answer evening = click("rep-hours", IDAHO);
        assertThat(evening.json().get("reason").asText()).isEqualTo("outside_calling_hours");
        assertThat(evening.json().get("next_allowed_at").asText()).isEqualTo("2026-01-15T16:00:00Z");

        // 16:30 UTC: 09:30 and 08:30, both inside: Dialpad rings the rep
        clock.set(Instant.parse("2026-01-14T16:30:00Z"));
        Answer inside = click("rep-hours", IDAHO);
        assertThat(inside.json().get("action").asText()).isEqualTo("dialpad");
        assertThat(dialpadRequests()).hasSize(1);
    }

    @Test
    void aDestinationNotAllowedIsBlockedAtAnyHour() {
        connectRep("rep-destination");
        dialpadWouldRing();

        Answer canada = click("rep-destination", "+1 613 737 0000");       // CA is not in calls.policy.allowed-countries
        Answer premium = click("rep-destination", "+1 900 200 1234");      // a refused number type

        assertThat(canada.json().get("reason").asText()).isEqualTo("destination_not_allowed");
        assertThat(canada.json().get("message").asText())
                .isEqualTo("Not calling +16137370000: calls to CA numbers are not allowed (allowed: GB, US)");
        assertThat(canada.json().has("next_allowed_at")).as("never: nothing to wait for").isFalse();
        assertThat(premium.json().get("reason").asText()).isEqualTo("destination_not_allowed");
        assertThat(callRow(premium.json().get("id").asText())).containsEntry("status", "blocked")
                .containsEntry("fallback_reason", "destination_not_allowed");
        assertThat(dialpadRequests()).isEmpty();
    }

    @Test
    void aReplayOfABlockedClickAnswersTheSame() {
        connectRep("rep-dnc-replay");
        jdbc.update("INSERT INTO do_not_call (number) VALUES ('+12085550103')");
        String body = "{\"rep_id\": \"rep-dnc-replay\", \"to_number\": \"+12085550103\"}";

        Answer first = send("POST", "/calls", body, "X-API-Key", CRM_KEY, "Content-Type", "application/json",
                "Idempotency-Key", "blocked-click-1");
        // removed from the list meanwhile: a retry is still the same click, answered as it was
        jdbc.update("DELETE FROM do_not_call WHERE number = '+12085550103'");
        Answer retry = send("POST", "/calls", body, "X-API-Key", CRM_KEY, "Content-Type", "application/json",
                "Idempotency-Key", "blocked-click-1");

        assertThat(first.json().get("action").asText()).isEqualTo("blocked");
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM calls WHERE rep_id = 'rep-dnc-replay'", Integer.class))
                .isEqualTo(1);
        assertThat(dialpadRequests()).isEmpty();
    }

    @Test
    void aClickStaysAtTwoStatementsWithTheListLookupInsideStartClick() {
        connectRep("rep-statements");
        dialpadWouldRing();
        SqlSteps steps = SqlSteps.of(camel);

        assertThat(steps.runBy(() -> click("rep-statements", "5557300001")))
                .containsExactly("finish-call.sql", "start-click.sql");
        // blocked after start-click logged it: the second statement turns the row into blocked
        clock.set(Instant.parse("2026-01-14T15:30:00Z"));
        assertThat(steps.runBy(() -> click("rep-statements", IDAHO))).containsExactly("block-call.sql", "start-click.sql");
        // on the list: start-click logged nothing, the blocked row is the second statement
        jdbc.update("INSERT INTO do_not_call (number) VALUES ('+12085550104')");
        assertThat(steps.runBy(() -> click("rep-statements", "+12085550104")))
                .containsExactly("insert-call.sql", "start-click.sql");
    }

    @Test
    void theCallsTableTakesEveryStatusAClickWritesAndOnlyKnownChannels() {
        for (String status : List.of("pending", "initiated", "unconfirmed", "fallback", "blocked")) {
            jdbc.update("INSERT INTO calls (id, to_number, status, rep_id, channel) VALUES (gen_random_uuid(), '+15550000000', ?, 'rep-schema', 'cti')", status);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM calls WHERE rep_id = 'rep-schema'", Integer.class)).isEqualTo(5);
        assertThatThrownBy(() -> jdbc.update("INSERT INTO calls (id, to_number, status, rep_id, channel)"
                + " VALUES (gen_random_uuid(), '+15550000000', 'pending', 'rep-schema', 'sms')"))
                .hasMessageContaining("calls_channel_check");
        jdbc.update("DELETE FROM calls WHERE rep_id = 'rep-schema'");
    }

    @Test
    void theBlockedCounterIsTaggedByReasonOnly() {
        jdbc.update("INSERT INTO do_not_call (number) VALUES ('+12085550105')");
        click("rep-dnc-metrics", "+12085550105");

        String prometheus = send("GET", "/actuator/prometheus", null).body();
        List<String> lines = prometheus.lines().filter(line -> line.startsWith("clicktocall_calls_blocked_total")).toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line)
                .matches("clicktocall_calls_blocked_total\\{application=\"dialpad-click-to-call\",reason=\"[a-z_]+\"} [0-9.E]+")
                .doesNotContain("rep-dnc-metrics").doesNotContain("2085550105"));
    }

    private static Map<String, String> localTimes(JsonNode body) {
        Map<String, String> times = new java.util.TreeMap<>();
        body.get("recipient_local_times").forEach(t -> times.put(t.get("time_zone").asText(), t.get("local_time").asText()));
        return times;
    }
}
