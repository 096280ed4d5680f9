package org.clicktocall.dialpad;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.clicktocall.calls.CallAttempt;
import org.clicktocall.calls.RepToken;
import org.clicktocall.config.CallMode;
import org.clicktocall.config.DialpadCallProperties;
import org.clicktocall.support.Json;
import org.springframework.stereotype.Component;

/**
 * Dialpad's call API for the click routes (calls-dial.yaml): the request Dialpad's spec describes
 * ({@code POST /api/v2/call} or {@code POST /api/v2/users/{id}/initiate_call}) and what its answer means for the
 * attempt. Functions of their arguments; the only side effect is the request-latency timer. Only "Dialpad is
 * unavailable" answers throw, because only those may count against the breaker.
 */
@Component("dialpadCallApi")
public class DialpadCallApi {

    private static final int MAX_DETAIL = 300;
    /** Dialpad's answers are a few hundred bytes; no more than this of one is read. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final MeterRegistry meters;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final CallMode mode;
    private final boolean initiateMode;
    private final int defaultRetryAfterSeconds;

    public DialpadCallApi(MeterRegistry meters, DialpadCallProperties properties) {
        this.defaultRetryAfterSeconds = properties.defaultRetryAfterSeconds();
        this.meters = meters;
        this.mode = properties.callMode();
        this.initiateMode = mode == CallMode.INITIATE;
    }

    /**
     * The call mode as resolved at start, for the routes: {@code {{bean:dialpadCallApi.mode}}} is read once when
     * the route is built, so YAML and this bean always agree ({@code ring} or {@code initiate}).
     */
    public String mode() {
        return mode.value();
    }

    /** The JSON body Dialpad expects; our call id travels as custom_data and comes back in every call event. */
    public Map<String, Object> request(CallAttempt attempt, RepToken token) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("phone_number", attempt.toNumber());
        if (!initiateMode) {
            // user_id is an int64 in the spec and required on /call; initiate_call takes it in the path instead.
            body.put("user_id", Long.parseLong(token.dialpadUserId()));
        }
        body.put("custom_data", attempt.id().toString());
        // The click's own caller id (checked against the rep's at Dialpad), else the rep's saved one.
        if (attempt.outcome().callerId() != null) {
            body.put("outbound_caller_id", attempt.outcome().callerId());
        }
        if (!initiateMode && token.deviceId() != null) {
            body.put("device_id", token.deviceId());
        }
        return body;
    }

    /**
     * What Dialpad's answer means. 2xx: ringing (with call_id in ring mode). 4xx: a refusal with a reason; the
     * breaker counts it as a success because Dialpad itself is fine. 5xx and anything else: throws, so the breaker
     * counts a failure and its fallback ({@link #unavailable}) answers {@code unconfirmed} / {@code dialpad_error}
     * (Dialpad had the request and may have started the call).
     */
    public CallAttempt classify(CallAttempt attempt, int status, String retryAfter, InputStream body, Date sentAt) {
        timeRequest(sentAt, (status / 100) + "xx");
        if (status >= 200 && status < 300) {
            return attempt.initiated(initiateMode ? null : callId(Json.bytes(body, MAX_ANSWER_BYTES)), status);
        }
        if (status >= 400 && status < 500) {
            String detail = errorMessage(Json.bytes(body, MAX_ANSWER_BYTES));
            // No Retry-After is documented for 429; honour it when Dialpad sends one, else wait the default.
            return attempt.refused(status, refusalReason(status, detail), detail,
                    status == 429 ? retryAfter(retryAfter) : null);
        }
        throw new DialpadUnavailableException(status);
    }

    /** The token was refreshed after Dialpad's 401: the second (last) attempt starts clean. */
    public CallAttempt secondAttempt(CallAttempt attempt) {
        return attempt.retrying();
    }

    /** {@link #afterAnswer} answers one of these; the call-dialpad route has one {@code when} for each. */
    public static final String REFRESH_AND_RETRY = "refresh_and_retry";
    public static final String BLOCK_REP = "block_rep";
    public static final String DONE = "done";

    /**
     * What the click does after Dialpad's answer: after a 401, refresh once and try again, if the rep has a
     * refresh token and this click has not tried a refresh already ({@code refreshed} is null until it does, then
     * whether the refresh happened); after a 429, block the rep's starts until its
     * Retry-After; else nothing more.
     */
    public String afterAnswer(CallAttempt attempt, RepToken token, Boolean refreshed) {
        String reason = attempt.outcome().reason();
        if ("unauthorized".equals(reason) && refreshed == null && token != null && token.refreshable()) {
            return REFRESH_AND_RETRY;
        }
        return "rate_limited".equals(reason) ? BLOCK_REP : DONE;
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
    public CallAttempt unavailable(CallAttempt attempt, Throwable cause, Date sentAt) {
        if (!(cause instanceof DialpadUnavailableException)) {
            timeRequest(sentAt, "error");   // timeouts and refused connections; a 5xx was timed when it was read
        }
        String reason = reasonFor(cause);
        String detail = cause == null ? "circuit breaker open" : describe(cause);
        if ("dialpad_unavailable".equals(reason)) {
            return attempt.fallback(reason, detail);
        }
        DialpadUnavailableException answered = org.apache.camel.util.ObjectHelper.getException(
                DialpadUnavailableException.class, cause);
        return attempt.unconfirmed(reason, detail, answered == null ? null : answered.status());
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
    private void timeRequest(Date sentAt, String statusClass) {
        if (sentAt != null) {
            // One timer per status class, built once: a builder per click allocated its tags each time
            timers.computeIfAbsent(statusClass, s -> Timer.builder("clicktocall.dialpad.requests")
                            .description("Time Dialpad took to answer a call start")
                            .tag("endpoint", initiateMode ? "initiate_call" : "call")
                            .tag("status_class", s)
                            .publishPercentileHistogram()
                            .register(meters))
                    .record(System.currentTimeMillis() - sentAt.getTime(), TimeUnit.MILLISECONDS);
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
    static String callId(byte[] body) {
        JsonNode json = Json.tree(body);
        JsonNode id = json == null ? null : json.get("call_id");
        return id == null || id.isNull() ? null : id.asText();
    }

    /** Dialpad publishes no error schema; {@code {"error": {"message"}}} is common. Fall back to the raw text. */
    static String errorMessage(byte[] body) {
        String message = new String(body, StandardCharsets.UTF_8);
        if (message.isBlank()) {
            return null;
        }
        JsonNode json = Json.tree(body);   // null when not JSON: keep the raw text
        if (json != null) {
            JsonNode error = json.get("error");
            if (error != null && error.isObject() && error.hasNonNull("message")) {
                message = error.get("message").asText();
            } else if (error != null && error.isTextual()) {
                message = error.asText();
            } else if (json.hasNonNull("message")) {
                message = json.get("message").asText();
            }
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
