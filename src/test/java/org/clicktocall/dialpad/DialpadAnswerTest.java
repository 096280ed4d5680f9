package org.clicktocall.dialpad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.clicktocall.calls.CallAttempt;
import org.clicktocall.calls.RepToken;
import org.clicktocall.config.CallMode;
import org.clicktocall.config.DialpadCallProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What Dialpad's answer means for the attempt, and what the click does next: a table. */
class DialpadAnswerTest {

    static final DialpadCallApi RING = new DialpadCallApi(new SimpleMeterRegistry(), new DialpadCallProperties(CallMode.RING, 60));
    static final DialpadCallApi INITIATE = new DialpadCallApi(new SimpleMeterRegistry(), new DialpadCallProperties(CallMode.INITIATE, 60));
    static final RepToken TOKEN = new RepToken("5105429914877952", "enc", "+15550001111", "dev-1", null, "active", true);

    static CallAttempt attempt() {
        return CallAttempt.of(new CallAttempt.Request(UUID.fromString("6534fbeb-1053-4503-974f-7c9c03ebaf63"), 0,
                "rep-1", "+15551234567", null, null, null, null, null, null, null, 0, 86400, 60, 5, 60, "api", null,
                java.time.Instant.EPOCH));
    }

    @ParameterizedTest(name = "{0} {2} -> {3} {4}")
    @CsvSource(nullValues = "-", value = {
            "200, -,   '{\"call_id\": 6342343299702784}',                  initiated, -,                6342343299702784, -",
            "200, -,   '{\"call_id\": \"abc\"}',                           initiated, -,                abc,              -",
            "200, -,   'not json',                                         initiated, -,                -,                -",
            "401, -,   '{\"error\": {\"message\": \"token expired\"}}',    fallback,  unauthorized,     -,                -",
            "403, -,   '{\"error\": \"forbidden\"}',                       fallback,  forbidden,        -,                -",
            "400, -,   '{\"message\": \"User is currently on a call\"}',   fallback,  user_busy,        -,                -",
            "404, -,   '',                                                 fallback,  dialpad_rejected, -,                -",
            "429, 120, '',                                                 fallback,  rate_limited,     -,                120",
            "429, -,   '',                                                 fallback,  rate_limited,     -,                60",
            "429, soon, '',                                                fallback,  rate_limited,     -,                60"})
    void dialpadsAnswerClassified(int status, String retryAfter, String body, String outcome, String reason,
                                  String callId, Integer retryAfterSeconds) {
        CallAttempt.Outcome result = RING.classify(attempt(), status, retryAfter, answer(body), null).outcome();
        assertThat(result.status()).isEqualTo(outcome);
        assertThat(result.reason()).isEqualTo(reason);
        assertThat(result.dialpadCallId()).isEqualTo(callId);
        assertThat(result.dialpadStatus()).isEqualTo(status);
        assertThat(result.retryAfterSeconds()).isEqualTo(retryAfterSeconds);
    }

    @Test
    void initiateModeHasNoCallIdAndServerErrorsThrowForTheBreaker() {
        assertThat(INITIATE.classify(attempt(), 200, null, answer("{\"call_id\": 1}"), null).outcome().dialpadCallId())
                .isNull();
        assertThatThrownBy(() -> RING.classify(attempt(), 503, null, answer(""), null))
                .isInstanceOfSatisfying(DialpadUnavailableException.class, e -> assertThat(e.status()).isEqualTo(503));
        CallAttempt unconfirmed = RING.unavailable(attempt(), new DialpadUnavailableException(502), null);
        assertThat(unconfirmed.outcome().status()).isEqualTo("unconfirmed");
        assertThat(unconfirmed.outcome().dialpadStatus()).isEqualTo(502);
        assertThat(RING.unavailable(attempt(), null, null).outcome().reason()).isEqualTo("dialpad_unavailable");
    }

    @Test
    void theRequestBodyFollowsTheMode() {
        // started() puts the rep's saved caller id on the attempt (the token's), unless the click chose its own
        CallAttempt started = attempt().started(true, TOKEN.dialpadUserId(), TOKEN.outboundCallerId());
        assertThat(RING.request(started, TOKEN)).isEqualTo(Map.of("phone_number", "+15551234567",
                "user_id", 5105429914877952L, "custom_data", "6534fbeb-1053-4503-974f-7c9c03ebaf63",
                "outbound_caller_id", "+15550001111", "device_id", "dev-1"));
        assertThat(INITIATE.request(started, TOKEN)).isEqualTo(Map.of("phone_number", "+15551234567",
                "custom_data", "6534fbeb-1053-4503-974f-7c9c03ebaf63", "outbound_caller_id", "+15550001111"));
        CallAttempt ownCallerId = attempt().callerIdChosen("+15550002222")
                .started(true, TOKEN.dialpadUserId(), TOKEN.outboundCallerId());
        assertThat(RING.request(ownCallerId, TOKEN)).containsEntry("outbound_caller_id", "+15550002222");
        assertThat(RING.request(attempt(), new RepToken("5105429914877952", "enc", null, null, null, "active", true)))
                .doesNotContainKey("outbound_caller_id");
        assertThat(RING.mode()).isEqualTo("ring");
        assertThat(INITIATE.mode()).isEqualTo("initiate");
    }

    @ParameterizedTest(name = "{0}, refreshable={1}, refreshed={2} -> {3}")
    @CsvSource(nullValues = "-", value = {
            "unauthorized, true,  -,     refresh_and_retry",
            "unauthorized, false, -,     done",
            "unauthorized, true,  true,  done",
            "unauthorized, true,  false, done",
            "rate_limited, true,  -,     block_rep",
            "forbidden,    true,  -,     done",
            "-,            true,  -,     done"})
    void afterDialpadsAnswer(String reason, boolean refreshable, Boolean refreshed, String then) {
        CallAttempt attempt = switch (reason == null ? "" : reason) {
            case "unauthorized" -> attempt().refused(401, "unauthorized", null, null);
            case "rate_limited" -> attempt().refused(429, "rate_limited", null, 60);
            case "forbidden" -> attempt().refused(403, "forbidden", null, null);
            default -> attempt().initiated("1", 200);
        };
        RepToken token = new RepToken("1", "enc", null, null, null, "active", refreshable);
        assertThat(RING.afterAnswer(attempt, token, refreshed)).isEqualTo(then);
    }

    /** Dialpad's answer body as the route hands it over. */
    private static InputStream answer(String body) {
        return body == null ? null : new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }
}
