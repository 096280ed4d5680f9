package org.clicktocall.calls;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.clicktocall.api.CallAnswer;
import org.clicktocall.compliance.CallDecision;
import org.clicktocall.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * Builds the {@link CallAnswer} a POST /calls gets: from a finished attempt, from a stored call (a double click, or
 * an Idempotency-Key whose answer was never saved) or from a stored answer (a replay). Values only: the routes set
 * status and headers.
 */
@Component("callAnswerBuilder")
public class CallAnswerBuilder {

    private final ObjectMapper json;

    public CallAnswerBuilder(ObjectMapper json) {
        this.json = json;
    }

    /**
     * The 201 body for a finished attempt: Dialpad is ringing the rep ({@code dialpad}), Dialpad had the request
     * but gave no clear answer so the rep's phone may still ring ({@code unconfirmed}, with the links in case it
     * does not), here is a tel: link and why ({@code tel}), dial in Dialpad's embedded dialer ({@code cti}), or the
     * call policy refused the number ({@code blocked}: why, and no link).
     */
    public CallAnswer created(CallAttempt attempt) {
        CallAttempt.Outcome outcome = attempt.outcome();
        String toNumber = attempt.toNumber();
        String action = CallAnswers.action(attempt.dialable() ? "initiated" : outcome.status(),
                attempt.request().channel());
        String message = switch (action) {
            case "dialpad", "cti" -> "Calling " + toNumber + " via Dialpad";
            case "unconfirmed" -> mayRing(toNumber);
            case "blocked" -> notCalling(toNumber, outcome.detail());
            default -> outcome.reconnect()
                    ? "Opening phone: calling " + toNumber + ". Reconnect Dialpad in your settings to call through Dialpad again"
                    : "Opening phone: calling " + toNumber;
        };
        String status = statusOf(action);
        CallDecision policy = outcome.policy();
        return new CallAnswer(attempt.id().toString(), action, status, toNumber, CallAnswers.telUri(status, toNumber),
                dialpadUri(status, toNumber, attempt.id().toString(), outcome.callerId()), outcome.dialpadCallId(),
                outcome.reason(), message, outcome.retryAfterSeconds(),
                policy == null || policy.recipientLocalTimes() == null || policy.recipientLocalTimes().isEmpty() ? null
                        : policy.recipientLocalTimes().stream()
                        .map(local -> new CallAnswer.LocalTime(local.timeZone(), local.localTime())).toList(),
                policy == null || policy.nextAllowedAt() == null ? null : policy.nextAllowedAt().toString(), null);
    }

    /** The answer for a double click: the first click's call (still pending when it has not finished yet). */
    public CallAnswer duplicate(Map<String, Object> existing, CallAttempt attempt) {
        CallAnswer answer = fromRow(existing, attempt.toNumber());
        return answer.asDuplicate("dialpad".equals(answer.action()) || "cti".equals(answer.action())
                ? "Already calling " + attempt.toNumber() + " via Dialpad" : answer.message());
    }

    /**
     * Someone else holds this Idempotency-Key: the answer to replay, or a refusal (409 while it is in flight, 422
     * when the key came with a different request). When the first request's answer was never saved (a database
     * blip after Dialpad answered, or its instance died) but its call was logged, Dialpad may have rung: the retry
     * is answered from the call's row, never dialled again.
     */
    public CallAnswer replay(Map<String, Object> stored, CallAttempt attempt) {
        if (stored == null) {
            throw inFlight();
        }
        if (!attempt.request().requestHash().equals(stored.get("request_hash"))) {
            throw new ApiException(422, "idempotency_key_reused", "This Idempotency-Key was used with a different request");
        }
        if ("done".equals(stored.get("state"))) {
            try {
                return json.readValue((String) stored.get("response_body"), CallAnswer.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored answer is not a CallAnswer", e);
            }
        }
        if (Boolean.TRUE.equals(stored.get("logged"))
                && (!"pending".equals(stored.get("status")) || Boolean.TRUE.equals(stored.get("abandoned")))) {
            return fromRow(stored, attempt.toNumber());
        }
        throw inFlight();
    }

    /**
     * The answer as the stored call tells it: {@code id}, {@code status}, {@code fallback_reason},
     * {@code fallback_detail}, {@code external_call_id}, {@code channel}. A call still pending long after its request
     * ended ({@code abandoned}) is told as unconfirmed: Dialpad may have had it.
     */
    CallAnswer fromRow(Map<String, Object> existing, String toNumber) {
        String status = existing.get("status") == null ? "pending" : (String) existing.get("status");
        String action = Boolean.TRUE.equals(existing.get("abandoned")) && "pending".equals(status)
                ? "unconfirmed" : CallAnswers.action(status, (String) existing.get("channel"));
        String message = switch (action) {
            case "dialpad", "cti" -> "Calling " + toNumber + " via Dialpad";
            case "unconfirmed" -> mayRing(toNumber);
            case "blocked" -> notCalling(toNumber, (String) existing.get("fallback_detail"));
            default -> "Opening phone: calling " + toNumber;
        };
        String id = existing.get("id").toString();
        return new CallAnswer(id, action, status, toNumber, CallAnswers.telUri(status, toNumber),
                dialpadUri(status, toNumber, id, null), (String) existing.get("external_call_id"),
                (String) existing.get("fallback_reason"), message, null, null, null, null);
    }

    /**
     * Dialpad's app launch link (dialpad://+15551234567?...), a richer fallback than tel: for reps who run
     * Dialpad's desktop app: our call id as customData (Dialpad's call events then carry it, so they find this call),
     * crmLogging=0 (Dialpad's own CRM integrations do not log the same call again), and fromNumber when the click
     * has a caller id. Query values are percent-encoded ("+" as %2B). None for a blocked call.
     */
    public static String dialpadUri(String status, String toNumber, String callId, String callerId) {
        if ("blocked".equals(status)) {
            return null;
        }
        StringBuilder uri = new StringBuilder("dialpad://").append(toNumber)
                .append("?customData=").append(encode(callId)).append("&crmLogging=0");
        if (callerId != null && callerId.startsWith("+")) {   // a number, not "blocked" (hidden caller id)
            uri.append("&fromNumber=").append(encode(callerId));
        }
        return uri.toString();
    }

    /** Percent-encoding of a query value: a space is %20 (as in Dialpad's examples), a "+" is %2B. */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The toast for a blocked call: the number and the policy's reason in words. */
    static String notCalling(String toNumber, String why) {
        if (why == null || why.isBlank()) {
            return "Not calling " + toNumber + ": the call policy does not allow it";
        }
        return "Not calling " + toNumber + ": " + why.substring(0, 1).toLowerCase(Locale.ROOT) + why.substring(1);
    }

    private static String statusOf(String action) {
        return switch (action) {
            case "dialpad", "cti" -> "initiated";
            case "unconfirmed" -> "unconfirmed";
            case "blocked" -> "blocked";
            default -> "fallback";
        };
    }

    static String mayRing(String toNumber) {
        return "Dialpad may still ring your phone for " + toNumber + "; if it does not, call from your phone";
    }

    private static ApiException inFlight() {
        return new ApiException(409, "idempotency_in_flight", "A request with this Idempotency-Key is being processed; retry shortly");
    }
}
