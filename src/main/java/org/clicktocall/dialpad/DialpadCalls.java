package org.clicktocall.dialpad;


import org.apache.camel.ExchangeProperty;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.clicktocall.config.CallMode;
import org.clicktocall.config.DialpadCallProperties;
import org.clicktocall.tokens.TokenCipher;
import org.springframework.stereotype.Component;

/**
 * Speaks Dialpad's call API for the dialpad-start-call route: builds the request Dialpad's spec describes
 * ({@code POST /api/v2/call} or {@code POST /api/v2/users/{id}/initiate_call}) and reads its answer into the
 * call attempt. Only "Dialpad is unavailable" answers throw, because only those may count against the breaker.
 */
@Component("dialpadCalls")
public class DialpadCalls {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DETAIL = 300;

    private final TokenCipher cipher;
    private final MeterRegistry meters;
    private final CallMode mode;
    private final boolean initiateMode;
    private final int defaultRetryAfterSeconds;

    public DialpadCalls(TokenCipher cipher, MeterRegistry meters, DialpadCallProperties properties) {
        this.cipher = cipher;
        this.defaultRetryAfterSeconds = properties.defaultRetryAfterSeconds();
        this.meters = meters;
        this.mode = properties.callMode();
        this.initiateMode = mode == CallMode.INITIATE;
    }

    /**
     * The call mode as resolved at start, for the routes: {@code {{bean:dialpadCalls.mode}}} is read once when
     * the route is built, so YAML and this bean always agree ({@code ring} or {@code initiate}).
     */
    public String mode() {
        return mode.value();
    }

    /**
     * The rep has no usable Dialpad connection: the CRM gets the tel: link and we never call Dialpad. A rep whose
     * connection was revoked is told to reconnect.
     */
    public void notConnected(Map<String, Object> call, Map<String, Object> repToken) {
        call.put("status", "fallback");
        call.put("reason", "not_connected");
        boolean revoked = repToken != null;
        call.put("detail", revoked ? "Dialpad connection revoked or expired: reconnect" : "no Dialpad connection for this rep");
        call.put("reconnect", revoked);
    }

    /**
     * Copies the rep's Dialpad identity into the attempt (it is logged with the call) and decrypts the token into
     * the Authorization value (an exchange property, never part of the attempt). A token that does not decrypt
     * (copied from another row, or under a key this instance lacks) is unusable: the rep must reconnect.
     */
    public void useRep(Exchange exchange,
                       @ExchangeProperty("call") Map<String, Object> call,
                       @ExchangeProperty("repToken") Map<String, Object> repToken) {
        if (repToken == null || "disconnected".equals(repToken.get("status"))) {
            notConnected(call, repToken);
            return;
        }
        if (!isDialpadUserId(repToken.get("dialpad_user_id"))) {
            // Goes into Dialpad's URL (initiate_call) and body (an int64): a value that is not one is this rep's
            // problem, answered before the breaker, never an exception that counts against Dialpad for every rep.
            notConnected(call, repToken);
            call.put("detail", "stored dialpad_user_id is not a Dialpad user id: reconnect");
            return;
        }
        call.put("dialpadUserId", repToken.get("dialpad_user_id"));
        // An access token that has already expired is refreshed before dialling (once per click).
        call.put("needsRefresh", call.get("refreshedNow") == null && Boolean.TRUE.equals(repToken.get("refreshable"))
                && repToken.get("expires_at") instanceof java.sql.Timestamp expiresAt
                && expiresAt.toInstant().isBefore(java.time.Instant.now().plusSeconds(30)));
        try {
            exchange.setProperty("authorization", "Bearer "
                    + cipher.decrypt((String) call.get("repId"), "access_token", (String) repToken.get("access_token")));
        } catch (TokenCipher.TokenDecryptionException e) {
            notConnected(call, repToken);
            call.put("detail", "stored token cannot be decrypted: reconnect");
        }
    }

    /** Dialpad's user ids are int64 numbers (sent as text by Dialpad): 1 to 19 digits that fit a long. */
    static boolean isDialpadUserId(Object value) {
        if (!(value instanceof String text) || !text.matches("[0-9]{1,19}")) {
            return false;
        }
        try {
            return Long.parseLong(text) > 0;
        } catch (NumberFormatException tooLarge) {
            return false;
        }
    }

    /** The JSON body Dialpad expects; our call id travels as custom_data and comes back in every call event. */
    public Map<String, Object> requestBody(@ExchangeProperty("call") Map<String, Object> call,
                                           @ExchangeProperty("repToken") Map<String, Object> repToken) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("phone_number", call.get("toNumber"));
        if (!initiateMode) {
            // user_id is an int64 in the spec and required on /call; initiate_call takes it in the path instead.
            body.put("user_id", Long.parseLong((String) repToken.get("dialpad_user_id")));
        }
        body.put("custom_data", call.get("id").toString());
        if (repToken.get("outbound_caller_id") != null) {
            body.put("outbound_caller_id", repToken.get("outbound_caller_id"));
        }
        if (!initiateMode && repToken.get("device_id") != null) {
            body.put("device_id", repToken.get("device_id"));
        }
        return body;
    }

    /**
     * After Dialpad's 401: refresh once and try again, if the rep has a refresh token and this click has not done
     * so already. Returns true when the click should go back to Dialpad.
     */
    public boolean retryAfterUnauthorized(@ExchangeProperty("call") Map<String, Object> call,
                                          @ExchangeProperty("repToken") Map<String, Object> repToken) {
        boolean retry = "unauthorized".equals(call.get("reason")) && call.get("refreshedNow") == null
                && repToken != null && Boolean.TRUE.equals(repToken.get("refreshable"));
        call.put("retryDialpad", retry);
        return retry;
    }

    /** Every click goes to Dialpad at least once. */
    public void firstAttempt(@ExchangeProperty("call") Map<String, Object> call) {
        call.put("retryDialpad", true);
    }

    /** No further attempt unless a 401 earns one (also: the refresh after a 401 gave no usable token). */
    public void noRetry(@ExchangeProperty("call") Map<String, Object> call) {
        call.put("retryDialpad", false);
    }

    /** No refresh now (another is in flight, or the token endpoint is backing off): no retry either. */
    public void refreshNotPossible(@ExchangeProperty("call") Map<String, Object> call) {
        call.put("refreshedNow", false);
        call.put("needsRefresh", false);
        call.put("retryDialpad", false);
    }

    /** The token was refreshed for this click: its next Dialpad attempt starts clean. */
    public void refreshedNow(@ExchangeProperty("call") Map<String, Object> call) {
        call.put("refreshedNow", true);
        call.put("needsRefresh", false);
        if ("unauthorized".equals(call.get("reason"))) {
            call.put("status", "pending");
            call.put("reason", null);
            call.put("detail", null);
            call.put("dialpadStatus", null);
        }
    }

    /** Marks the moment the request leaves, for the latency histogram. */
    public void sending(@ExchangeProperty("call") Map<String, Object> call) {
        call.put("dialpadSentNanos", System.nanoTime());
    }

    /**
     * Reads Dialpad's answer. 2xx: ringing (with call_id in ring mode). 4xx: a refusal with a reason; the
     * breaker counts it as a success because Dialpad itself is fine. 5xx and anything else: throws, so the
     * breaker counts a failure and the fallback answers {@code unconfirmed} / {@code dialpad_error} (Dialpad had
     * the request and may have started the call).
     */
    public void readAnswer(Exchange exchange, @ExchangeProperty("call") Map<String, Object> call) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        call.put("dialpadStatus", status);
        timeRequest(call, (status / 100) + "xx");
        if (status >= 200 && status < 300) {
            call.put("status", "initiated");
            call.put("reason", null);
            call.put("dialpadCallId", initiateMode ? null : callId(body));
            return;
        }
        if (status >= 400 && status < 500) {
            String detail = errorMessage(body);
            call.put("status", "fallback");
            call.put("reason", refusalReason(status, detail));
            call.put("detail", detail);
            if (status == 429) {
                // No Retry-After is documented; honour it when Dialpad sends one, else wait the default.
                call.put("retryAfterSeconds", retryAfter(exchange.getMessage().getHeader("Retry-After", String.class)));
            }
            return;
        }
        throw new DialpadUnavailableException("Dialpad answered HTTP " + status);
    }

    /**
     * The breaker's fallback. What the CRM may do next depends on whether the request may have reached Dialpad:
     * <ul>
     *   <li>nothing was sent (the breaker is open, the connection was refused or timed out, no pooled connection
     *       was free, the request could not be built): {@code fallback} / {@code dialpad_unavailable}, open the
     *       tel: link;</li>
     *   <li>the request was sent and no answer came in time: {@code unconfirmed} / {@code dialpad_timeout};</li>
     *   <li>the request was sent and Dialpad answered 5xx, or dropped the connection before answering:
     *       {@code unconfirmed} / {@code dialpad_error}.</li>
     * </ul>
     * An unconfirmed call may still ring the rep's phone: its row stays open for Dialpad's events and the sweep.
     */
    public void unavailable(Exchange exchange, @ExchangeProperty("call") Map<String, Object> call) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        timeRequest(call, "error");   // timeouts and refused connections; a 5xx was timed when it was read
        String reason = reasonFor(cause);
        call.put("status", "dialpad_unavailable".equals(reason) ? "fallback" : "unconfirmed");
        call.put("reason", reason);
        call.put("detail", cause == null ? "circuit breaker open" : describe(cause));
    }

    /** {@code dialpad_unavailable} (nothing was sent), {@code dialpad_timeout} or {@code dialpad_error}. */
    static String reasonFor(Throwable cause) {
        if (cause == null) {
            return "dialpad_unavailable";
        }
        boolean sentOrMaybe = false;
        boolean timedOut = false;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (nothingSent(t)) {
                return "dialpad_unavailable";
            }
            if (t instanceof java.io.IOException || t instanceof DialpadUnavailableException) {
                sentOrMaybe = true;
            }
            timedOut |= t instanceof java.net.SocketTimeoutException;
        }
        if (!sentOrMaybe) {
            return "dialpad_unavailable";   // not an I/O failure: the request was never built or never left
        }
        return timedOut ? "dialpad_timeout" : "dialpad_error";
    }

    /** Failures that happen before a single byte of the request can reach Dialpad. */
    private static boolean nothingSent(Throwable t) {
        return t instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException
                || t instanceof org.apache.hc.client5.http.ConnectTimeoutException
                || t instanceof org.apache.hc.core5.http.ConnectionRequestTimeoutException
                || t instanceof java.net.ConnectException
                || t instanceof java.net.NoRouteToHostException
                || t instanceof java.net.UnknownHostException
                || t instanceof javax.net.ssl.SSLHandshakeException;
    }

    private int retryAfter(String header) {
        if (header != null && header.trim().matches("[0-9]{1,6}")) {
            return Math.max(1, Integer.parseInt(header.trim()));
        }
        return defaultRetryAfterSeconds;
    }

    /** Dialpad request latency by endpoint and status class, for requests that were actually sent. */
    private void timeRequest(Map<String, Object> call, String statusClass) {
        Object sent = call.remove("dialpadSentNanos");
        if (sent instanceof Long started) {
            Timer.builder("clicktocall.dialpad.requests")
                    .description("Time Dialpad took to answer a call start")
                    .tag("endpoint", initiateMode ? "initiate_call" : "call")
                    .tag("status_class", statusClass)
                    .publishPercentileHistogram()
                    .register(meters)
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    static String refusalReason(int status, String detail) {
        if (detail != null && detail.toLowerCase(Locale.ROOT).contains("currently on a call")) {
            return "user_busy";
        }
        return switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 429 -> "rate_limited";
            default -> "dialpad_rejected";
        };
    }

    /** call_id arrives as a JSON number or string; we keep it as text either way. */
    static String callId(String body) {
        try {
            JsonNode id = JSON.readTree(body).get("call_id");
            return id == null || id.isNull() ? null : id.asText();
        } catch (Exception e) {
            return null;
        }
    }

    /** Dialpad publishes no error schema; {@code {"error": {"message"}}} is common. Fall back to the raw text. */
    static String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        String message = body;
        try {
            JsonNode json = JSON.readTree(body);
            JsonNode error = json.get("error");
            if (error != null && error.isObject() && error.hasNonNull("message")) {
                message = error.get("message").asText();
            } else if (error != null && error.isTextual()) {
                message = error.asText();
            } else if (json.hasNonNull("message")) {
                message = json.get("message").asText();
            }
        } catch (Exception notJson) {
            // keep the raw text
        }
        message = message.replaceAll("\\s+", " ").trim();
        return message.length() > MAX_DETAIL ? message.substring(0, MAX_DETAIL) : message;
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String what = root instanceof DialpadUnavailableException ? root.getMessage() : root.getClass().getSimpleName();
        return what.length() > MAX_DETAIL ? what.substring(0, MAX_DETAIL) : what;
    }
}
