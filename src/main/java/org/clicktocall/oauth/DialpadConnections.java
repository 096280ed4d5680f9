package org.clicktocall.oauth;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.clicktocall.calls.JsonRequests;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What the connect, status and refresh routes need besides the OAuth exchange itself: the rep's connection as the
 * CRM sees it (never a token), the browser's way back to the CRM, and the refresh settings.
 */
@Component("dialpadConnections")
public class DialpadConnections {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String returnUrl;
    private final Map<String, Object> refreshParameters = new HashMap<>();
    private final AtomicLong expiring = new AtomicLong();

    public DialpadConnections(DialpadOAuth oauth,
                              @Value("${dialpad.oauth.return-url:}") String returnUrl,
                              @Value("${tokens.refresh.window-seconds:600}") int windowSeconds,
                              @Value("${tokens.refresh.batch:100}") int batch,
                              @Value("${tokens.refresh.lease-seconds:60}") int leaseSeconds,
                              MeterRegistry meters) {
        this.returnUrl = returnUrl;
        refreshParameters.put("windowSeconds", windowSeconds);
        // Without an OAuth client there is nothing to refresh with: claim nothing rather than fail every token.
        refreshParameters.put("batch", oauth.configured() ? batch : 0);
        refreshParameters.put("leaseSeconds", leaseSeconds);
        Gauge.builder("clicktocall.tokens.expiring", expiring, AtomicLong::get)
                .description("Active tokens expiring within the refresh window (as of the last refresh run)")
                .register(meters);
    }

    public Map<String, Object> refreshParameters() {
        return new HashMap<>(refreshParameters);
    }

    public void expiringCount(Number count) {
        expiring.set(count == null ? 0 : count.longValue());
    }

    /** POST /reps/{rep_id}/dialpad/connect answers only the URL; the state lives on in the database. */
    public Map<String, Object> authorizeAnswer(Map<String, Object> connect) {
        return Map.of("authorize_url", connect.get("authorizeUrl"));
    }

    /** GET /reps/{rep_id}/dialpad. */
    public Map<String, Object> status(String repId, Object row) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("rep_id", repId);
        if (!(row instanceof Map<?, ?> map)) {
            answer.put("connected", false);
            answer.put("status", "disconnected");
            for (String field : new String[] {"dialpad_user_id", "scopes", "expires_at", "last_refreshed_at", "last_error"}) {
                answer.put(field, null);
            }
            return answer;
        }
        String status = (String) map.get("status");
        Object expiresAt = map.get("expires_at");
        if ("active".equals(status) && expiresAt instanceof Timestamp ts && ts.toInstant().isBefore(java.time.Instant.now())) {
            status = "expired";
        }
        answer.put("connected", "active".equals(status));
        answer.put("status", status);
        answer.put("dialpad_user_id", map.get("dialpad_user_id"));
        answer.put("scopes", map.get("scope"));
        answer.put("expires_at", iso(expiresAt));
        answer.put("last_refreshed_at", iso(map.get("last_refreshed_at")));
        answer.put("last_error", map.get("last_error"));
        return answer;
    }

    /** The Dialpad user who owns the new token, from GET /api/v2/users/me. */
    public void dialpadUser(Exchange exchange, Map<String, Object> tokenRow) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String id = null;
        if (status == 200) {
            try {
                JsonNode user = JSON.readTree(exchange.getMessage().getBody(String.class));
                id = user.hasNonNull("id") ? user.get("id").asText() : null;
            } catch (Exception e) {
                id = null;
            }
        }
        if (id == null || !id.matches("[0-9]{1,19}")) {
            throw new ConnectFailed("users_me_failed");
        }
        tokenRow.put("dialpadUserId", id);
    }

    /** Where the browser goes after the callback: the CRM's return URL with ?dialpad=connected|error. */
    public void redirect(Exchange exchange, String outcome, String reason) {
        var message = exchange.getMessage();
        message.removeHeaders("*");
        if (returnUrl == null || returnUrl.isBlank()) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, "connected".equals(outcome) ? 200 : 400);
            message.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
            message.setBody(page("connected".equals(outcome) ? "Dialpad is connected. You can close this window."
                    : "Dialpad could not be connected (" + reason + "). Close this window and try again from the CRM."));
            return;
        }
        UriComponentsBuilder target = UriComponentsBuilder.fromUriString(returnUrl).queryParam("dialpad", outcome);
        if (reason != null) {
            target.queryParam("reason", reason);
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 302);
        message.setHeader("Location", target.encode().build().toUriString());
        message.setBody("");
    }

    /** The connect failed after the state was accepted: back to the CRM with the reason. */
    public void redirectFailure(Exchange exchange) {
        redirect(exchange, "error", reasonOf(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));
    }

    /** The callback's state is unknown, used or expired: nothing is stored and we cannot tell which rep it was. */
    public void invalidState(Exchange exchange) {
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 400);
        message.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        message.setBody(page("This Dialpad connect link is unknown, was already used or has expired."
                + " Start again from the CRM's settings page."));
    }

    /** Dialpad's own error on the callback (e.g. access_denied when the rep declines). */
    public String dialpadError(String error) {
        return error == null ? null : error.matches("[a-z_]{1,40}") ? error : "authorization_failed";
    }

    public static String reasonOf(Throwable failure) {
        Throwable cause = failure;
        while (cause != null) {
            if (cause instanceof ConnectFailed connect) {
                return connect.getMessage();
            }
            if (cause instanceof org.springframework.security.oauth2.core.OAuth2AuthorizationException) {
                return "token_exchange_failed";
            }
            cause = cause.getCause();
        }
        return "connect_failed";
    }

    /** A disconnect request: the rep must exist in the path. */
    public Map<String, Object> repOnly(String repId) {
        return new HashMap<>(Map.of("repId", JsonRequests.repId(repId)));
    }

    private static String page(String text) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>Dialpad</title></head><body><p>"
                + HtmlUtils.htmlEscape(text) + "</p></body></html>";
    }

    private static String iso(Object value) {
        return value instanceof Timestamp ts ? ts.toInstant().toString() : null;
    }

    /** A connect step failed for a reason the CRM can show. */
    public static class ConnectFailed extends RuntimeException {
        public ConnectFailed(String reason) {
            super(reason, null, false, false);
        }
    }
}
