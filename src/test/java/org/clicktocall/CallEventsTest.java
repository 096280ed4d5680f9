package org.clicktocall;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;

/** Dialpad's signed call events keep each call's status current, and forged or replayed ones change nothing. */
class CallEventsTest extends ServiceTest {

    private static long nextCallId = 7_000_000_000_000_000L;

    /** Places a call through the stub and returns (our id, Dialpad's call id). */
    private String[] placeCall(String repId) {
        connectRep(repId);
        String dialpadId = String.valueOf(++nextCallId);
        DIALPAD.stubFor(post("/api/v2/call").willReturn(okJson("{\"call_id\": \"" + dialpadId + "\"}")));
        String id = postCall("{\"rep_id\": \"" + repId + "\", \"to_number\": \"5556000001\"}").json().get("id").asText();
        return new String[] {id, dialpadId};
    }

    private static JWTClaimsSet.Builder event(String dialpadId, String state, String customData) {
        return new JWTClaimsSet.Builder().claim("call_id", Long.parseLong(dialpadId)).claim("state", state)
                .claim("custom_data", customData).claim("direction", "outbound")
                .claim("event_timestamp", System.currentTimeMillis()).issueTime(new Date());
    }

    private static String sign(JWTClaimsSet claims, String secret, JWSAlgorithm algorithm) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private Answer deliver(String body) {
        return send("POST", "/dialpad/events", body, "Content-Type", "application/jwt");
    }

    private Answer deliver(JWTClaimsSet claims) throws Exception {
        return deliver(sign(claims, WEBHOOK_SECRET, JWSAlgorithm.HS256));
    }

    private int storedEvents() {
        return jdbc.queryForObject("SELECT count(*) FROM call_events", Integer.class);
    }

    @Test
    void eventsMoveTheCallToEndedWithTimesDurationRecordingAndTimeline() throws Exception {
        String[] call = placeCall("rep-events");
        long connectedAt = System.currentTimeMillis() - 65_000;
        long endedAt = System.currentTimeMillis();

        Answer ringing = deliver(event(call[1], "ringing", call[0]).build());
        deliver(event(call[1], "connected", call[0]).claim("date_connected", connectedAt).build());
        deliver(event(call[1], "hangup", call[0]).claim("date_connected", connectedAt).claim("date_ended", endedAt)
                .claim("duration", 65000.0).claim("call_recording_share_links", new String[] {"https://dialpad.example/r/1"}).build());

        assertThat(ringing.status()).isEqualTo(200);
        assertThat(ringing.json().get("outcome").asText()).isEqualTo("applied");
        JsonNode stored = send("GET", "/calls/" + call[0], null, "X-API-Key", CRM_KEY).json();
        assertThat(stored.get("status").asText()).isEqualTo("ended");
        assertThat(Instant.parse(stored.get("answered_at").asText())).isEqualTo(Instant.ofEpochMilli(connectedAt));
        assertThat(stored.get("duration_ms").asLong()).isEqualTo(65000);
        assertThat(stored.get("recording_url").asText()).isEqualTo("https://dialpad.example/r/1");
        assertThat(stored.get("events")).extracting(e -> e.get("state").asText()).containsExactly("ringing", "connected", "hangup");
        Map<String, Object> row = callRow(call[0]);
        assertThat(row).containsEntry("status", "ended").containsEntry("external_call_id", call[1]);
        assertThat(row.get("ended_at")).isNotNull();
    }

    @Test
    void lateAndRepeatedEventsNeverMoveACallBackwards() throws Exception {
        String[] call = placeCall("rep-order");

        deliver(event(call[1], "connected", call[0]).build());
        Answer lateRinging = deliver(event(call[1], "ringing", call[0]).build());
        String hangup = sign(event(call[1], "hangup", call[0]).build(), WEBHOOK_SECRET, JWSAlgorithm.HS256);
        deliver(hangup);
        Answer replayed = deliver(hangup);
        Answer lateConnected = deliver(event(call[1], "connected", call[0]).build());

        assertThat(lateRinging.json().get("outcome").asText()).isEqualTo("applied");
        assertThat(replayed.status()).isEqualTo(200);
        assertThat(replayed.json().get("outcome").asText()).isEqualTo("duplicate");
        assertThat(lateConnected.json().get("outcome").asText()).isEqualTo("duplicate");
        assertThat(callRow(call[0])).containsEntry("status", "ended");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM call_events WHERE dialpad_call_id = ?", Integer.class, call[1]))
                .isEqualTo(3);
    }

    @Test
    void inInitiateModeEventsAreMatchedByOurIdInCustomData() throws Exception {
        String[] call = placeCall("rep-custom-data");
        jdbc.update("UPDATE calls SET external_call_id = NULL WHERE id = ?::uuid", call[0]);   // as initiate_call leaves it
        String dialpadId = String.valueOf(++nextCallId);

        Answer answer = deliver(event(dialpadId, "ringing", call[0]).build());

        assertThat(answer.json().get("outcome").asText()).isEqualTo("applied");
        assertThat(callRow(call[0])).containsEntry("status", "ringing").containsEntry("external_call_id", dialpadId);
    }

    @Test
    void eventsForUnknownCallsAreStoredButChangeNothing() throws Exception {
        int calls = callCount();
        Answer answer = deliver(event("9999999999999999", "ringing", "not-ours").build());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("outcome").asText()).isEqualTo("unmatched");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM call_events WHERE dialpad_call_id = '9999999999999999'", Integer.class)).isOne();
        assertThat(callCount()).isEqualTo(calls);
    }

    @Test
    void aTelFallbackIsNeverChangedByEvents() throws Exception {
        String id = postCall("{\"rep_id\": \"rep-no-dialpad\", \"to_number\": \"5556000002\"}").json().get("id").asText();

        deliver(event("8888888888888888", "connected", id).build());

        assertThat(callRow(id)).containsEntry("status", "fallback");
    }

    @Test
    void forgedExpiredAndReplayedTokensAre401AndStoreNothing() throws Exception {
        String[] call = placeCall("rep-forged");
        JWTClaimsSet claims = event(call[1], "connected", call[0]).build();
        String valid = sign(claims, WEBHOOK_SECRET, JWSAlgorithm.HS256);
        String[] parts = valid.split("\\.");
        String otherPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                event(call[1], "hangup", call[0]).build().toString().getBytes(StandardCharsets.UTF_8));
        int before = storedEvents();

        Map<String, String> forged = Map.of(
                "tampered payload", parts[0] + "." + otherPayload + "." + parts[2],
                "wrong secret", sign(claims, "another-secret-0123456789abcdef0123456789", JWSAlgorithm.HS256),
                "alg none", new PlainJWT(claims).serialize(),
                "HS512", sign(claims, WEBHOOK_SECRET + WEBHOOK_SECRET, JWSAlgorithm.HS512),
                "expired", sign(event(call[1], "connected", call[0]).expirationTime(new Date(System.currentTimeMillis() - 3_600_000)).build(), WEBHOOK_SECRET, JWSAlgorithm.HS256),
                "issued long ago", sign(event(call[1], "connected", call[0]).issueTime(new Date(System.currentTimeMillis() - 86_400_000)).build(), WEBHOOK_SECRET, JWSAlgorithm.HS256),
                "plain JSON", "{\"call_id\": " + call[1] + ", \"state\": \"connected\"}",
                "garbage", "not a token");

        forged.forEach((what, body) -> {
            Answer answer = deliver(body);
            assertThat(answer.status()).as(what).isEqualTo(401);
            assertThat(answer.json().at("/error/code").asText()).as(what).isEqualTo("invalid_signature");
        });
        assertThat(storedEvents()).isEqualTo(before);
        assertThat(callRow(call[0])).containsEntry("status", "initiated");
    }

    @Test
    void aSignedEventWithoutAFreshIatOrAValidExpIsRefusedAsAReplay() throws Exception {
        String[] call = placeCall("rep-replay-window");
        long now = System.currentTimeMillis();
        int before = storedEvents();

        Map<String, JWTClaimsSet> refused = Map.of(
                "neither iat nor exp", event(call[1], "connected", call[0]).issueTime(null).build(),
                "iat just past the 15 min max age", event(call[1], "connected", call[0]).issueTime(new Date(now - 901_000)).build(),
                "iat 10 min in the future", event(call[1], "connected", call[0]).issueTime(new Date(now + 600_000)).build(),
                "only an exp that has passed", event(call[1], "connected", call[0]).issueTime(null)
                        .expirationTime(new Date(now - 120_000)).build(),
                "only an exp ten years ahead", event(call[1], "connected", call[0]).issueTime(null)
                        .expirationTime(new Date(now + 10L * 365 * 24 * 3600 * 1000)).build());
        for (Map.Entry<String, JWTClaimsSet> each : refused.entrySet()) {
            Answer answer = deliver(each.getValue());
            assertThat(answer.status()).as(each.getKey()).isEqualTo(401);
            assertThat(answer.json().at("/error/code").asText()).as(each.getKey()).isEqualTo("invalid_signature");
        }
        assertThat(storedEvents()).isEqualTo(before);
        assertThat(callRow(call[0])).containsEntry("status", "initiated");

        // what a fresh event looks like: an iat within the age, or no iat and an exp still ahead
        Answer onlyExp = deliver(event(call[1], "ringing", call[0]).issueTime(null).expirationTime(new Date(now + 60_000)).build());
        Answer slightlyAhead = deliver(event(call[1], "connected", call[0]).issueTime(new Date(now + 30_000)).build());
        assertThat(onlyExp.status()).isEqualTo(200);
        assertThat(slightlyAhead.status()).isEqualTo(200);
        assertThat(callRow(call[0])).containsEntry("status", "connected");
    }

    @Test
    void listsCallsByRepNewestFirstAPageAtATime() {
        for (int i = 0; i < 5; i++) {
            postCall("{\"rep_id\": \"rep-list\", \"to_number\": \"555700000" + i + "\", \"contact_id\": \"c-" + (i % 2) + "\"}");
        }

        JsonNode first = send("GET", "/calls?rep_id=rep-list&limit=2", null, "X-API-Key", CRM_KEY).json();
        JsonNode second = send("GET", "/calls?rep_id=rep-list&limit=2&before=" + first.get("next").asText(), null,
                "X-API-Key", CRM_KEY).json();
        JsonNode byContact = send("GET", "/calls?contact_id=c-1&rep_id=rep-list", null, "X-API-Key", CRM_KEY).json();
        Answer badLimit = send("GET", "/calls?limit=1000", null, "X-API-Key", CRM_KEY);

        assertThat(first.get("calls")).extracting(c -> c.get("to_number").asText()).containsExactly("+15557000004", "+15557000003");
        assertThat(second.get("calls")).extracting(c -> c.get("to_number").asText()).containsExactly("+15557000002", "+15557000001");
        assertThat(byContact.get("calls")).hasSize(2);
        assertThat(byContact.get("next").isNull()).isTrue();
        assertThat(badLimit.status()).isEqualTo(400);
    }
}
