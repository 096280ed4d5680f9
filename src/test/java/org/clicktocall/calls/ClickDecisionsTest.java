package org.clicktocall.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.clicktocall.api.CallAnswer;
import org.clicktocall.compliance.CallDecision;
import org.clicktocall.web.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The click's decisions are functions of what start-click.sql found and of the attempt: a table each. */
class ClickDecisionsTest {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final CallGuards GUARDS = new CallGuards(new SimpleMeterRegistry(), Clock.fixed(NOW, ZoneOffset.UTC));
    static final CallAnswerBuilder ANSWERS = new CallAnswerBuilder(new ObjectMapper());
    static final CallDecision ALLOWED = new CallDecision(true, null, null, null, null);
    static final CallDecision OUTSIDE_HOURS = new CallDecision(false, "outside_calling_hours",
            "Outside calling hours (08:00-21:00 the recipient's time)",
            List.of(new CallDecision.LocalTimeIn("America/Boise", "2026-01-14T08:30"),
                    new CallDecision.LocalTimeIn("America/Los_Angeles", "2026-01-14T07:30")),
            Instant.parse("2026-01-14T16:00:00Z"));

    static CallAttempt attempt() {
        return CallAttempt.of(new CallAttempt.Request(UUID.fromString("6534fbeb-1053-4503-974f-7c9c03ebaf63"), 0,
                "rep-1", "+15551234567", null, null, null, null, "key-1", "scope", "hash-1", 0, 86400, 60, 5, 60, "api",
                null, NOW));
    }

    static CallAttempt ctiAttempt() {
        return CallAttempt.of(new CallAttempt.Request(UUID.fromString("6534fbeb-1053-4503-974f-7c9c03ebaf63"), 0,
                "rep-1", "+15551234567", null, null, null, null, "key-1", "scope", "hash-1", 0, 86400, 60, 0, 60, "cti",
                null, NOW));
    }

    static RepToken token(String userId, String status, Integer expiresInSeconds, boolean refreshable) {
        return new RepToken(userId, "enc", null, null,
                expiresInSeconds == null ? null : NOW.plusSeconds(expiresInSeconds), status, refreshable);
    }

    @ParameterizedTest(name = "fresh={0} user={1} status={2} bearer={3} budget={4} expiresIn={5} refreshable={6} -> {7}")
    @CsvSource(nullValues = "-", value = {
            // a double click is answered with its first call before anything else
            "false, -,                -,            -,      true,  -,    false, duplicate",
            // no usable connection: none, revoked, a user id that is not Dialpad's, a token that does not decrypt
            "true,  -,                -,            -,      true,  -,    false, not_connected",
            "true,  5105429914877952, disconnected, -,      false, -,    false, not_connected",
            "true,  not-a-number,     active,       Bearer, true,  -,    false, not_connected",
            "true,  0,                active,       Bearer, true,  -,    false, not_connected",
            "true,  5105429914877952, active,       -,      true,  -,    false, not_connected",
            // not connected wins over an empty budget (the rep must reconnect either way)
            "true,  5105429914877952, active,       -,      false, -,    false, not_connected",
            "true,  5105429914877952, active,       Bearer, false, -,    false, no_budget",
            // expired or expiring within 30 s, and refreshable: refresh first
            "true,  5105429914877952, active,       Bearer, true,  10,   true,  refresh_first",
            "true,  5105429914877952, active,       Bearer, true,  -60,  true,  refresh_first",
            "true,  5105429914877952, active,       Bearer, true,  -60,  false, dial",
            "true,  5105429914877952, active,       Bearer, true,  3600, true,  dial",
            "true,  5105429914877952, active,       Bearer, true,  -,    true,  dial"})
    void whatTheClickDoesAfterItsStart(boolean fresh, String userId, String status, String bearer, boolean budgetOk,
                                       Integer expiresIn, boolean refreshable, String next) {
        RepToken token = status == null ? null : token(userId, status, expiresIn, refreshable);
        ClickStart start = new ClickStart(fresh, false, null, token, budgetOk, true);
        assertThat(GUARDS.next(start, ALLOWED, attempt(), bearer)).isEqualTo(next);
    }

    @ParameterizedTest(name = "{0} -> reconnect={1}, {2}")
    @CsvSource({
            "none,          false, no Dialpad connection for this rep",
            "revoked,       true,  Dialpad connection revoked or expired: reconnect",
            "bad-user-id,   true,  stored dialpad_user_id is not a Dialpad user id: reconnect",
            "undecryptable, true,  stored token cannot be decrypted: reconnect"})
    void notConnectedSaysWhy(String what, boolean reconnect, String detail) {
        RepToken token = switch (what) {
            case "none" -> null;
            case "revoked" -> token("5105429914877952", "disconnected", null, true);
            case "bad-user-id" -> token("x", "active", null, true);
            default -> token("5105429914877952", "active", null, true);
        };
        CallAttempt.Outcome outcome = GUARDS.notConnected(attempt(), token).outcome();
        assertThat(outcome.status()).isEqualTo("fallback");
        assertThat(outcome.reason()).isEqualTo("not_connected");
        assertThat(outcome.reconnect()).isEqualTo(reconnect);
        assertThat(outcome.detail()).isEqualTo(detail);
    }

    @Test
    void anEmptyBudgetWaitsForTheDatabasesRetryAfterOrThePeriod() {
        assertThat(GUARDS.budgetSpent(attempt(), 42).outcome().retryAfterSeconds()).isEqualTo(42);
        assertThat(GUARDS.budgetSpent(attempt(), null).outcome().retryAfterSeconds()).isEqualTo(60);
        assertThat(GUARDS.budgetSpent(attempt(), 42).outcome().detail()).isEqualTo("per-rep call budget spent (5 per 60 s)");
    }

    @ParameterizedTest(name = "{0} -> action {1}, status {2}, reason {3}")
    @CsvSource(nullValues = "-", value = {
            "initiated,     dialpad,     initiated,   -,                   Calling +15551234567 via Dialpad",
            "unconfirmed,   unconfirmed, unconfirmed, dialpad_timeout,     'Dialpad may still ring your phone for +15551234567; if it does not, call from your phone'",
            "refused,       tel,         fallback,    forbidden,           Opening phone: calling +15551234567",
            "revoked,       tel,         fallback,    not_connected,       Opening phone: calling +15551234567. Reconnect Dialpad in your settings to call through Dialpad again",
            "rate_limited,  tel,         fallback,    rate_limited,        Opening phone: calling +15551234567"})
    void theAnswerFollowsTheOutcome(String outcome, String action, String status, String reason, String message) {
        CallAttempt attempt = switch (outcome) {
            case "initiated" -> attempt().initiated("11", 200);
            case "unconfirmed" -> attempt().unconfirmed("dialpad_timeout", "SocketTimeoutException", null);
            case "refused" -> attempt().refused(403, "forbidden", "no", null);
            case "revoked" -> attempt().notConnected(true, "revoked");
            default -> attempt().rateLimited(30, "budget");
        };
        CallAnswer answer = ANSWERS.created(attempt);
        assertThat(answer.action()).isEqualTo(action);
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.reason()).isEqualTo(reason);
        assertThat(answer.message()).isEqualTo(message);
        assertThat(answer.telUri()).isEqualTo("tel:+15551234567");
        assertThat(answer.dialpadUri())
                .isEqualTo("dialpad://+15551234567?customData=6534fbeb-1053-4503-974f-7c9c03ebaf63&crmLogging=0");
        assertThat(answer.retryAfterSeconds()).isEqualTo("rate_limited".equals(outcome) ? 30 : null);
    }

    @ParameterizedTest(name = "fresh={0} policy allows={1} channel={2} token={3} budget={4} -> {5}")
    @CsvSource({
            // a double click first, then the call policy before anything about the rep or the channel
            "false, false, api, true,  true,  duplicate",
            "true,  false, api, true,  true,  blocked",
            "true,  false, cti, false, false, blocked",
            "true,  false, api, false, false, blocked",
            // channel cti needs neither a Dialpad token nor a call start
            "true,  true,  cti, false, false, in_browser",
            "true,  true,  cti, true,  true,  in_browser",
            "true,  true,  api, false, true,  not_connected",
            "true,  true,  api, true,  true,  dial"})
    void thePolicyDecidesBeforeTheRepAndTheChannel(boolean fresh, boolean allowed, String channel, boolean connected,
                                                   boolean budgetOk, String next) {
        RepToken token = connected ? token("5105429914877952", "active", 3600, true) : null;
        ClickStart start = new ClickStart(fresh, !allowed, null, token, budgetOk, true);
        CallAttempt attempt = "cti".equals(channel) ? ctiAttempt() : attempt();
        assertThat(GUARDS.next(start, allowed ? ALLOWED : OUTSIDE_HOURS, attempt, connected ? "Bearer x" : null))
                .isEqualTo(next);
    }

    @Test
    void aBlockedCallSaysWhyWithNoLinkAndTheRecipientsTimes() {
        CallAnswer answer = ANSWERS.created(GUARDS.blocked(attempt().started(true, "5105429914877952", null), OUTSIDE_HOURS));

        assertThat(answer.action()).isEqualTo("blocked");
        assertThat(answer.status()).isEqualTo("blocked");
        assertThat(answer.reason()).isEqualTo("outside_calling_hours");
        assertThat(answer.message())
                .isEqualTo("Not calling +15551234567: outside calling hours (08:00-21:00 the recipient's time)");
        assertThat(answer.telUri()).isNull();
        assertThat(answer.dialpadUri()).isNull();
        assertThat(answer.recipientLocalTimes()).containsExactly(
                new CallAnswer.LocalTime("America/Boise", "2026-01-14T08:30"),
                new CallAnswer.LocalTime("America/Los_Angeles", "2026-01-14T07:30"));
        assertThat(answer.nextAllowedAt()).isEqualTo("2026-01-14T16:00:00Z");
        // the row keeps the status, the reason and the sentence: a replay from the row says the same
        CallAttempt blocked = GUARDS.blocked(attempt(), OUTSIDE_HOURS);
        assertThat(blocked.sqlParameters()).containsEntry("status", "blocked")
                .containsEntry("reason", "outside_calling_hours")
                .containsEntry("detail", "Outside calling hours (08:00-21:00 the recipient's time)");
        CallAnswer fromRow = ANSWERS.fromRow(Map.of("id", attempt().id(), "status", "blocked",
                "fallback_reason", "do_not_call", "fallback_detail", "This number is on the do-not-call list",
                "channel", "api"), "+15551234567");
        assertThat(fromRow.action()).isEqualTo("blocked");
        assertThat(fromRow.telUri()).isNull();
        assertThat(fromRow.message()).isEqualTo("Not calling +15551234567: this number is on the do-not-call list");
    }

    @Test
    void aBrowserCallIsInitiatedWithoutDialpadsApi() {
        CallAnswer answer = ANSWERS.created(GUARDS.placedInBrowser(ctiAttempt().started(true, null, null)));
        assertThat(answer.action()).isEqualTo("cti");
        assertThat(answer.status()).isEqualTo("initiated");
        assertThat(answer.reason()).isNull();
        assertThat(answer.message()).isEqualTo("Calling +15551234567 via Dialpad");
        assertThat(ctiAttempt().sqlParameters()).containsEntry("channel", "cti");
    }

    @Test
    void theDialpadLinkCarriesOurCallIdAndTheCallerIdUrlEncoded() {
        CallAttempt withCallerId = attempt().callerIdChosen("+14155550101").started(true, "5105429914877952", "+14155550100")
                .notConnected(false, "none");
        assertThat(ANSWERS.created(withCallerId).dialpadUri()).isEqualTo("dialpad://+15551234567"
                + "?customData=6534fbeb-1053-4503-974f-7c9c03ebaf63&crmLogging=0&fromNumber=%2B14155550101");
        // the rep's saved caller id when the click has none; a hidden caller id ("blocked") is no fromNumber
        assertThat(ANSWERS.created(attempt().started(true, "1", "+14155550100").notConnected(false, "none")).dialpadUri())
                .endsWith("&crmLogging=0&fromNumber=%2B14155550100");
        assertThat(ANSWERS.created(attempt().started(true, "1", "blocked").notConnected(false, "none")).dialpadUri())
                .endsWith("&crmLogging=0");
        // Dialpad's own example encodes a space as %20 (not the form encoding's "+", which means a plus here)
        assertThat(CallAnswerBuilder.dialpadUri("fallback", "+15551234567", "a b&c=d+", null))
                .isEqualTo("dialpad://+15551234567?customData=a%20b%26c%3Dd%2B&crmLogging=0");
    }

    @Test
    void aReplayIsTheStoredAnswerOrARefusal() throws Exception {
        CallAnswer first = ANSWERS.created(attempt().initiated("11", 200));
        Map<String, Object> stored = new HashMap<>(Map.of("request_hash", "hash-1", "state", "done",
                "response_body", new ObjectMapper().writeValueAsString(first)));
        assertThat(ANSWERS.replay(stored, attempt())).isEqualTo(first);

        assertThatThrownBy(() -> ANSWERS.replay(null, attempt()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
        stored.put("request_hash", "another request");
        assertThatThrownBy(() -> ANSWERS.replay(stored, attempt()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(422));
        Map<String, Object> inFlight = Map.of("request_hash", "hash-1", "state", "in_flight", "logged", true,
                "status", "pending", "abandoned", false);
        assertThatThrownBy(() -> ANSWERS.replay(inFlight, attempt()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
        Map<String, Object> abandoned = Map.of("request_hash", "hash-1", "state", "in_flight", "logged", true,
                "status", "pending", "abandoned", true, "id", attempt().id());
        assertThat(ANSWERS.replay(abandoned, attempt()).action()).isEqualTo("unconfirmed");
    }

    @Test
    void theSqlViewIsReadOnlyAndFollowsTheTransitions() {
        CallAttempt attempt = attempt().started(true, "5105429914877952", null).initiated("11", 200);
        Map<String, Object> sql = attempt.sqlParameters();
        assertThat(sql).containsEntry("status", "initiated").containsEntry("dialpadCallId", "11")
                .containsEntry("dialpadUserId", "5105429914877952").containsEntry("repId", "rep-1")
                .containsKey("reason").doesNotContainKey("bearer");
        assertThat(sql.get("reason")).isNull();
        assertThatThrownBy(() -> sql.put("status", "x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(attempt.retrying().sqlParameters()).containsEntry("status", "pending");
    }
}
