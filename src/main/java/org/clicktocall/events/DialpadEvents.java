package org.clicktocall.events;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.clicktocall.web.ApiException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Reads Dialpad's call events for the dialpad-events route. With a webhook secret, each event is a compact JWT
 * signed HS256 with it: anything else (alg none, another algorithm, a bad signature, an expired {@code exp}, an
 * {@code iat} older than the allowed age or in the future, neither {@code iat} nor {@code exp}) is refused with 401 before anything is stored. The call object inside
 * becomes the SQL parameters that store the event and move the call along its states.
 */
@Component("dialpadEvents")
public class DialpadEvents {

    /**
     * Ranks: pending 0, initiated or unconfirmed 1 (Dialpad may have started it: events still move it),
     * calling/ringing 2, connected 3, unknown 4 (the sweep gave up; a real final event may still replace it),
     * final states 5, tel: fallbacks 9 (nothing was dialled; never changed by events).
     */
    static final int FINAL = 5;

    /** Where a Dialpad state puts our call; a higher rank never goes back to a lower one. */
    record Target(String status, int rank) {
    }

    static final Map<String, Target> STATES = Map.ofEntries(
            Map.entry("calling", new Target("calling", 2)),
            Map.entry("ringing", new Target("ringing", 2)),
            Map.entry("preanswer", new Target("ringing", 2)),
            Map.entry("connected", new Target("connected", 3)),
            Map.entry("hold", new Target("connected", 3)),
            Map.entry("voicemail", new Target("voicemail", FINAL)),
            Map.entry("voicemail_uploaded", new Target("voicemail", FINAL)),
            Map.entry("missed", new Target("missed", FINAL)),
            Map.entry("blocked", new Target("rejected", FINAL)),
            Map.entry("hangup", new Target("ended", FINAL)),
            Map.entry("postcall", new Target("ended", FINAL)));

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How far Dialpad's clock may be from ours when iat and exp are checked. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final MACVerifier verifier;
    private final boolean allowUnsigned;
    private final Duration maxAge;
    private final MeterRegistry meters;

    public DialpadEvents(@Value("${dialpad.webhook.secret:}") String secret,
                         @Value("${dialpad.webhook.allow-unsigned:false}") boolean allowUnsigned,
                         @Value("${dialpad.webhook.max-age-seconds:900}") long maxAgeSeconds,
                         MeterRegistry meters) {
        this.allowUnsigned = allowUnsigned;
        this.maxAge = Duration.ofSeconds(maxAgeSeconds);
        this.meters = meters;
        if (secret == null || secret.isEmpty()) {
            this.verifier = null;
            return;
        }
        if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalStateException("DIALPAD_WEBHOOK_SECRET must be at least 32 characters (HS256 needs a"
                    + " 256-bit key); generate one with `openssl rand -hex 32`");
        }
        try {
            this.verifier = new MACVerifier(secret.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalStateException("DIALPAD_WEBHOOK_SECRET cannot be used for HS256", e);
        }
    }

    /** Verifies and reads one event into the parameters of record-call-event.sql. */
    public Map<String, Object> read(@Body String body) {
        return fromCallObject(verifier != null ? verified(body) : unsigned(body));
    }

    /**
     * What the sweep learned from GET /api/v2/call/{id}, as an event (null when Dialpad did not answer 200 with a
     * call object), so it is stored and applied exactly like a delivered one.
     */
    public Map<String, Object> polled(Integer httpStatus, String body) {
        if (httpStatus == null || httpStatus != 200 || body == null) {
            return null;
        }
        try {
            JsonNode call = JSON.readTree(body);
            return call != null && call.hasNonNull("call_id") && call.hasNonNull("state") ? fromCallObject(call) : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private Map<String, Object> fromCallObject(JsonNode call) {
        JsonNode callId = call.get("call_id");
        JsonNode state = call.get("state");
        if (callId == null || callId.isNull() || state == null || !state.isTextual()) {
            count("invalid", "none");
            throw ApiException.badRequest("invalid_event", "An event needs call_id and state");
        }
        String stateName = state.asText().toLowerCase(Locale.ROOT);
        Target target = STATES.getOrDefault(stateName, new Target(null, 0));
        Map<String, Object> event = new HashMap<>();
        event.put("callId", callId.asText());
        event.put("state", stateName);
        event.put("status", target.status());
        event.put("rank", target.rank());
        String customData = text(call, "custom_data");
        event.put("customData", customData);
        event.put("callRef", uuidOrNull(customData));
        event.put("eventAt", epochMillis(call, "event_timestamp"));
        event.put("answeredAt", epochMillis(call, "date_connected"));
        event.put("endedAt", target.rank() == FINAL ? epochMillis(call, "date_ended") : null);
        event.put("durationMs", call.hasNonNull("duration") && call.get("duration").isNumber()
                ? Math.round(call.get("duration").asDouble()) : null);
        event.put("recordingUrl", recordingUrl(call));
        event.put("payload", call.toString());
        return event;
    }

    /** Counts what happened to an event (the route reports stored/applied from the database). */
    public Map<String, Object> outcome(@ExchangeProperty("event") Map<String, Object> event, @Body Map<String, Object> result) {
        long stored = ((Number) result.get("stored")).longValue();
        long applied = ((Number) result.get("applied")).longValue();
        String outcome = stored == 0 ? "duplicate" : applied > 0 ? "applied" : "unmatched";
        count(outcome, STATES.containsKey((String) event.get("state")) ? (String) event.get("state") : "other");
        Map<String, Object> answer = new HashMap<>();
        answer.put("received", true);
        answer.put("outcome", outcome);
        return answer;
    }

    private JsonNode verified(String body) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(body == null ? "" : body.trim());
        } catch (ParseException e) {
            throw refused("not a signed JWT");
        }
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
            throw refused("only HS256 is accepted");
        }
        JWTClaimsSet claims;
        try {
            if (!jwt.verify(verifier)) {
                throw refused("bad signature");
            }
            claims = jwt.getJWTClaimsSet();
        } catch (JOSEException | ParseException e) {
            throw refused("bad signature");
        }
        // A signed event is only as fresh as its claims say: without iat or exp a captured event could be replayed
        // forever, so one of them is required. Clocks may differ by up to CLOCK_SKEW either way.
        Instant now = Instant.now();
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        if (exp == null && iat == null) {
            throw refused("no iat or exp claim");
        }
        if (exp != null && exp.toInstant().isBefore(now.minus(CLOCK_SKEW))) {
            throw refused("expired");
        }
        if (iat != null && iat.toInstant().isBefore(now.minus(maxAge))) {
            throw refused("issued too long ago");
        }
        if (iat != null && iat.toInstant().isAfter(now.plus(CLOCK_SKEW))) {
            throw refused("issued in the future");
        }
        // Without iat, exp alone is the freshness: one far in the future would make the event replayable for years.
        if (iat == null && exp.toInstant().isAfter(now.plus(maxAge).plus(CLOCK_SKEW))) {
            throw refused("exp too far ahead");
        }
        count("verified", "none");
        return JSON.valueToTree(claims.toJSONObject());
    }

    private JsonNode unsigned(String body) {
        if (!allowUnsigned) {
            count("rejected", "none");
            throw new ApiException(403, "events_not_accepted", "Call events need DIALPAD_WEBHOOK_SECRET on this"
                    + " service (or dialpad.webhook.allow-unsigned=true for plain JSON events)");
        }
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !json.isObject()) {
                throw ApiException.badRequest("invalid_event", "The event must be a JSON object");
            }
            return json;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_event", "The event is not JSON");
        }
    }

    private ApiException refused(String why) {
        count("rejected", "none");
        return new ApiException(401, "invalid_signature", "The event was refused: " + why);
    }

    private void count(String result, String state) {
        meters.counter("clicktocall.events", "result", result, "state", state).increment();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static UUID uuidOrNull(String value) {
        try {
            return value != null && value.length() == 36 ? UUID.fromString(value) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Dialpad's timestamps are epoch milliseconds. */
    private static Timestamp epochMillis(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.canConvertToLong() && value.asLong() > 0 ? new Timestamp(value.asLong()) : null;
    }

    private static String recordingUrl(JsonNode call) {
        JsonNode details = call.get("recording_details");
        if (details != null && details.isArray() && !details.isEmpty() && details.get(0).hasNonNull("url")) {
            return details.get(0).get("url").asText();
        }
        JsonNode links = call.get("call_recording_share_links");
        if (links != null && links.isArray() && !links.isEmpty()) {
            return links.get(0).asText();
        }
        return text(call, "voicemail_share_link");
    }
}
