package org.clicktocall.events;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
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
import org.clicktocall.api.EventReceipt;
import org.clicktocall.config.DialpadEventProperties;
import org.clicktocall.support.Json;
import org.clicktocall.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * Reads Dialpad's call events for the dialpad-events route. With a webhook secret, each event is a compact JWT
 * signed HS256 with it: anything else (alg none, another algorithm, a bad signature, an expired {@code exp}, an
 * {@code iat} older than the allowed age or in the future, neither {@code iat} nor {@code exp}) is refused with 401
 * before anything is stored. The call object inside becomes a {@link CallEvent}, the SQL parameters that store the
 * event and move the call along its states. Each method is a function of its arguments (and counts what it saw).
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

    private static final ObjectMapper JSON = Json.MAPPER;
    /** How far Dialpad's clock may be from ours when iat and exp are checked. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final MACVerifier verifier;
    private final boolean allowUnsigned;
    private final Duration maxAge;
    private final MeterRegistry meters;

    public DialpadEvents(DialpadEventProperties settings, MeterRegistry meters) {
        this.allowUnsigned = settings.allowUnsigned();
        this.maxAge = Duration.ofSeconds(settings.maxAgeSeconds());
        this.meters = meters;
        if (!settings.hasSecret()) {
            this.verifier = null;
            return;
        }
        try {
            this.verifier = new MACVerifier(settings.secret().getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalStateException("DIALPAD_WEBHOOK_SECRET cannot be used for HS256", e);
        }
    }

    /** Verifies and reads one delivered event (the request body) into a CallEvent; 401/403/400 otherwise. */
    public CallEvent read(String body) {
        return fromCallObject(verifier != null ? verified(body) : unsigned(body));
    }

    /**
     * What the sweep learned from GET /api/v2/call/{id}, as an event (null when Dialpad did not answer 200 with a
     * call object), so it is stored and applied exactly like a delivered one.
     */
    public CallEvent polled(Integer httpStatus, String body) {
        if (httpStatus == null || httpStatus != 200) {
            return null;
        }
        JsonNode call = Json.tree(body);
        return call != null && call.hasNonNull("call_id") && call.hasNonNull("state") ? fromCallObject(call) : null;
    }

    private CallEvent fromCallObject(JsonNode call) {
        CallEvent event = event(call);
        if (event == null) {
            count("invalid", "none");
            throw ApiException.badRequest("invalid_event", "An event needs call_id and state");
        }
        return event;
    }

    /** Dialpad's call object as an event, or null without call_id and a textual state. */
    static CallEvent event(JsonNode call) {
        JsonNode callId = call.get("call_id");
        JsonNode state = call.get("state");
        if (callId == null || callId.isNull() || state == null || !state.isTextual()) {
            return null;
        }
        String stateName = state.asText().toLowerCase(Locale.ROOT);
        Target target = STATES.getOrDefault(stateName, new Target(null, 0));
        String customData = text(call, "custom_data");
        return new CallEvent(callId.asText(), stateName, target.status(), target.rank(), customData,
                uuidOrNull(customData), epochMillis(call, "event_timestamp"), epochMillis(call, "date_connected"),
                target.rank() == FINAL ? epochMillis(call, "date_ended") : null,
                call.hasNonNull("duration") && call.get("duration").isNumber() ? Math.round(call.get("duration").asDouble()) : null,
                recordingUrl(call), call.toString());
    }

    /**
     * The 200 answer once record-call-event.sql ran ({@code recorded}: its {@code stored} and {@code applied}
     * counts); counts {@code clicktocall.events} by outcome and state.
     */
    public EventReceipt outcome(CallEvent event, Map<String, Object> recorded) {
        String outcome = outcomeOf(((Number) recorded.get("stored")).longValue(), ((Number) recorded.get("applied")).longValue());
        count(outcome, STATES.containsKey(event.state()) ? event.state() : "other");
        return new EventReceipt(true, outcome);
    }

    /** duplicate (stored before), applied (its call moved or was updated), unmatched (no call of ours). */
    static String outcomeOf(long stored, long applied) {
        return stored == 0 ? "duplicate" : applied > 0 ? "applied" : "unmatched";
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
        String stale = staleness(claims.getIssueTime(), claims.getExpirationTime(), Instant.now(), maxAge);
        if (stale != null) {
            throw refused(stale);
        }
        count("verified", "none");
        return JSON.valueToTree(claims.toJSONObject());
    }

    /**
     * Why a verified event is not fresh enough, or null when it is. A signed event is only as fresh as its claims
     * say: without iat or exp a captured event could be replayed forever, so one of them is required. Clocks may
     * differ by up to CLOCK_SKEW either way.
     */
    static String staleness(Date iat, Date exp, Instant now, Duration maxAge) {
        if (exp == null && iat == null) {
            return "no iat or exp claim";
        }
        if (exp != null && exp.toInstant().isBefore(now.minus(CLOCK_SKEW))) {
            return "expired";
        }
        if (iat != null && iat.toInstant().isBefore(now.minus(maxAge))) {
            return "issued too long ago";
        }
        if (iat != null && iat.toInstant().isAfter(now.plus(CLOCK_SKEW))) {
            return "issued in the future";
        }
        // Without iat, exp alone is the freshness: one far in the future would make the event replayable for years.
        if (iat == null && exp.toInstant().isAfter(now.plus(maxAge).plus(CLOCK_SKEW))) {
            return "exp too far ahead";
        }
        return null;
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
