package org.clicktocall.calls;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.clicktocall.api.CallAnswer;
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
     * but gave no clear answer so the rep's phone may still ring ({@code unconfirmed}, with the tel: link in case it
     * does not), or here is a tel: link and why ({@code tel}).
     */
    public CallAnswer created(CallAttempt attempt) {
        CallAttempt.Outcome outcome = attempt.outcome();
        String toNumber = attempt.toNumber();
        String action = attempt.dialable() ? "dialpad" : CallAnswers.action(outcome.status());
        String message = switch (action) {
            case "dialpad" -> "Calling " + toNumber + " via Dialpad";
            case "unconfirmed" -> mayRing(toNumber);
            default -> outcome.reconnect()
                    ? "Opening phone: calling " + toNumber + ". Reconnect Dialpad in your settings to call through Dialpad again"
                    : "Opening phone: calling " + toNumber;
        };
        return new CallAnswer(attempt.id().toString(), action, statusOf(action), toNumber, "tel:" + toNumber,
                outcome.dialpadCallId(), outcome.reason(), message, outcome.retryAfterSeconds(), null);
    }

    /** The answer for a double click: the first click's call (still pending when it has not finished yet). */
    public CallAnswer duplicate(Map<String, Object> existing, CallAttempt attempt) {
        CallAnswer answer = fromRow(existing, attempt.toNumber());
        return answer.asDuplicate("dialpad".equals(answer.action())
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
     * {@code external_call_id}. A call still pending long after its request ended ({@code abandoned}) is told as
     * unconfirmed: Dialpad may have had it.
     */
    CallAnswer fromRow(Map<String, Object> existing, String toNumber) {
        String status = existing.get("status") == null ? "pending" : (String) existing.get("status");
        String action = Boolean.TRUE.equals(existing.get("abandoned")) && "pending".equals(status)
                ? "unconfirmed" : CallAnswers.action(status);
        String message = switch (action) {
            case "dialpad" -> "Calling " + toNumber + " via Dialpad";
            case "unconfirmed" -> mayRing(toNumber);
            default -> "Opening phone: calling " + toNumber;
        };
        return new CallAnswer(existing.get("id").toString(), action, status, toNumber, "tel:" + toNumber,
                (String) existing.get("external_call_id"), (String) existing.get("fallback_reason"), message, null, null);
    }

    private static String statusOf(String action) {
        return switch (action) {
            case "dialpad" -> "initiated";
            case "unconfirmed" -> "unconfirmed";
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
