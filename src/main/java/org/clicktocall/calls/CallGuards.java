package org.clicktocall.calls;


import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.clicktocall.web.ApiException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The guard rails in front of Dialpad, for the place-call route: Idempotency-Key replay, the duplicate-click
 * window and the per-rep call budget. The state lives in PostgreSQL (see the guard SQL files), so the guards hold
 * across instances; this bean only prepares parameters and turns what the database said into answers.
 */
@Component("callGuards")
public class CallGuards {

    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long idempotencyTtlSeconds;
    private final long idempotencyTakeoverSeconds;
    private final long duplicateWindowMillis;
    private final int budgetCalls;
    private final int budgetPeriodSeconds;
    private final CallAnswers answers;
    private final MeterRegistry meters;

    public CallGuards(@Value("${calls.idempotency-ttl-seconds:86400}") long idempotencyTtlSeconds,
                      @Value("${calls.idempotency-takeover-seconds:60}") long idempotencyTakeoverSeconds,
                      @Value("${calls.duplicate-window-ms:10000}") long duplicateWindowMillis,
                      @Value("${calls.budget.calls:5}") int budgetCalls,
                      @Value("${calls.budget.period-seconds:60}") int budgetPeriodSeconds,
                      CallAnswers answers, MeterRegistry meters) {
        if (budgetCalls < 0 || budgetPeriodSeconds <= 0) {
            throw new IllegalStateException("calls.budget.calls must be >= 0 (0 = off) and calls.budget.period-seconds > 0");
        }
        if (idempotencyTakeoverSeconds <= 0) {
            throw new IllegalStateException("calls.idempotency-takeover-seconds must be > 0");
        }
        this.idempotencyTtlSeconds = idempotencyTtlSeconds;
        this.idempotencyTakeoverSeconds = idempotencyTakeoverSeconds;
        this.duplicateWindowMillis = duplicateWindowMillis;
        this.budgetCalls = budgetCalls;
        this.budgetPeriodSeconds = budgetPeriodSeconds;
        this.answers = answers;
        this.meters = meters;
    }

    /**
     * Adds the guards' SQL parameters to the attempt. The Idempotency-Key is scoped to the API key that sent it
     * (only its SHA-256 is kept) and bound to a hash of the normalised request.
     */
    public void prepare(@ExchangeProperty("call") Map<String, Object> call,
                        @ExchangeProperty("idempotencyKey") String idempotencyKey,
                        @ExchangeProperty("apiKey") String apiKey) {
        call.put("idemTtlSeconds", idempotencyTtlSeconds);
        call.put("idemTakeoverSeconds", idempotencyTakeoverSeconds);
        call.put("budgetCalls", budgetCalls);
        call.put("budgetPeriodSeconds", budgetPeriodSeconds);
        call.put("idemKey", null);
        // A request with an Idempotency-Key is deduplicated by its key, not by the duplicate-click window.
        call.put("clickWindowMillis", idempotencyKey == null ? duplicateWindowMillis : 0L);
        if (idempotencyKey == null) {
            return;
        }
        if (idempotencyKey.isEmpty() || idempotencyKey.length() > 255 || !idempotencyKey.chars().allMatch(c -> c > ' ' && c <= '~')) {
            throw ApiException.badRequest("invalid_request", "Idempotency-Key must be 1 to 255 visible ASCII characters");
        }
        call.put("idemKey", idempotencyKey);
        call.put("scope", sha256(apiKey == null ? "" : apiKey));
        call.put("requestHash", sha256(String.join("\u0000", String.valueOf(call.get("repId")),
                String.valueOf(call.get("toNumber")), String.valueOf(call.get("contactId")),
                String.valueOf(call.get("dealId")), String.valueOf(call.get("externalId")))));
    }




    /**
     * Someone else holds this Idempotency-Key: replay its answer, or refuse (409 while it is in flight, 422 when
     * the key came with a different request). A replay sets the stored status, body and Location. When the first
     * request's answer was never saved (a database blip after Dialpad answered, or its instance died) but its call
     * was logged, Dialpad may have rung: the retry is answered from the call's row, never dialled again.
     */
    public void replayOrRefuse(Exchange exchange,
                               @Body Map<String, Object> stored,
                               @ExchangeProperty("call") Map<String, Object> call) throws JsonProcessingException {
        if (stored == null) {
            throw new ApiException(409, "idempotency_in_flight", "A request with this Idempotency-Key is being processed; retry shortly");
        }
        if (!call.get("requestHash").equals(stored.get("request_hash"))) {
            throw new ApiException(422, "idempotency_key_reused", "This Idempotency-Key was used with a different request");
        }
        var message = exchange.getMessage();
        if ("done".equals(stored.get("state"))) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, stored.get("response_status"));
            message.setBody(stored.get("response_body"));
        } else if (Boolean.TRUE.equals(stored.get("logged"))
                && (!"pending".equals(stored.get("status")) || Boolean.TRUE.equals(stored.get("abandoned")))) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
            message.setBody(JSON.writeValueAsString(answers.fromRow(stored, (String) call.get("toNumber"))));
        } else {
            throw new ApiException(409, "idempotency_in_flight", "A request with this Idempotency-Key is being processed; retry shortly");
        }
        meters.counter("clicktocall.guards", "guard", "idempotency", "result", "replayed").increment();
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Idempotent-Replayed", "true");
        Object callId = stored.get("id");
        if (callId != null) {
            message.setHeader("Location", "/calls/" + callId);
        }
    }

    /** An identical click is within the window: answer with the call it made (200: nothing new was created). */
    public void duplicateClick(Exchange exchange, @Body Map<String, Object> existing, @ExchangeProperty("call") Map<String, Object> call)
            throws JsonProcessingException {
        meters.counter("clicktocall.guards", "guard", "duplicate_click", "result", "answered_with_existing").increment();
        var message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Location", "/calls/" + existing.get("id"));
        message.setBody(JSON.writeValueAsString(answers.duplicate(existing, (String) call.get("toNumber"))));
    }

    /** The rep's call budget is spent: no Dialpad call; the CRM gets the tel: link and when to try again. */
    public void budgetSpent(@ExchangeProperty("call") Map<String, Object> call, @Body Integer retryAfterSeconds) {
        meters.counter("clicktocall.guards", "guard", "rate_budget", "result", "rate_limited").increment();
        call.put("status", "fallback");
        call.put("reason", "rate_limited");
        call.put("detail", "per-rep call budget spent (" + budgetCalls + " per " + budgetPeriodSeconds + " s)");
        call.put("retryAfterSeconds", retryAfterSeconds == null ? budgetPeriodSeconds : retryAfterSeconds);
    }

    private static String sha256(String value) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
