package org.clicktocall.oauth;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.clicktocall.calls.JsonRequests;
import org.clicktocall.tokens.TokenImports;
import org.clicktocall.web.ApiException;
import org.springframework.dao.DuplicateKeyException;
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
    /** The callback's reasons for refusing a Dialpad account (the query's reason=, and the page). */
    public static final String USER_IN_USE = "dialpad_user_in_use";
    public static final String EMAIL_MISMATCH = "dialpad_email_mismatch";
    static final int MAX_EMAIL_LENGTH = 254;
    /** One @, something on both sides, no spaces or control characters: what the CRM stores, not full RFC 5322. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]+\\.[^@\\s\\p{Cntrl}]+");

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

    /**
     * The Dialpad user who owns the new token, from GET /api/v2/users/me. When the CRM named the rep's e-mail at
     * the start ({@code expected_email}), one of the user's {@code emails} must be it (case-insensitive): someone
     * else who opened the rep's link must not bind their own Dialpad account to the rep.
     */
    public void dialpadUser(Exchange exchange, Map<String, Object> tokenRow, Map<String, Object> stateRow) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String id = null;
        JsonNode user = null;
        if (status == 200) {
            try {
                user = JSON.readTree(exchange.getMessage().getBody(String.class));
                id = user.hasNonNull("id") ? user.get("id").asText() : null;
            } catch (Exception e) {
                id = null;
            }
        }
        if (!TokenImports.isPositiveInt64(id)) {
            throw new ConnectFailed("users_me_failed");
        }
        Object expected = stateRow == null ? null : stateRow.get("expected_email");
        if (expected instanceof String email && !hasEmail(user.get("emails"), email)) {
            throw new ConnectFailed(EMAIL_MISMATCH);
        }
        tokenRow.put("dialpadUserId", id);
    }

    private static boolean hasEmail(JsonNode emails, String expected) {
        if (emails == null || !emails.isArray()) {
            return false;
        }
        String wanted = expected.toLowerCase(Locale.ROOT);
        for (JsonNode email : emails) {
            if (email.isTextual() && email.asText().trim().toLowerCase(Locale.ROOT).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The optional body of POST /reps/{rep_id}/dialpad/connect: {@code {"expected_email": "..."}}, the rep's
     * e-mail as the CRM knows it. Absent, empty or {@code {}}: no e-mail check (null).
     */
    public String expectedEmail(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode json = JsonRequests.object(body, Set.of("expected_email"));
        JsonNode value = json.get("expected_email");
        if (value == null || value.isNull()) {
            return null;
        }
        String email = value.isTextual() ? value.asText() : "";
        if (email.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(email).matches()) {
            throw ApiException.badRequest("invalid_request",
                    "expected_email must be an e-mail address (at most " + MAX_EMAIL_LENGTH + " characters)");
        }
        return email.toLowerCase(Locale.ROOT);
    }

    /** Where the browser goes after the callback: the CRM's return URL with ?dialpad=connected|error. */
    public void redirect(Exchange exchange, String outcome, String reason) {
        var message = exchange.getMessage();
        message.removeHeaders("*");
        if (returnUrl == null || returnUrl.isBlank()) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, "connected".equals(outcome) ? 200 : 400);
            message.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
            message.setBody(page("connected".equals(outcome) ? "Dialpad is connected. You can close this window."
                    : explanation(reason)));
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

    /** What the rep reads when there is no CRM page to return to. */
    static String explanation(String reason) {
        if (USER_IN_USE.equals(reason)) {
            return "This Dialpad account is already connected to another CRM user, so it was not connected to you."
                    + " Sign in to Dialpad with your own account and try again, or ask an admin to disconnect the"
                    + " other user first. (" + reason + ")";
        }
        if (EMAIL_MISMATCH.equals(reason)) {
            return "The Dialpad account you signed in with is not yours: its e-mail is not the one your CRM account"
                    + " has. Nothing was connected. Sign in to Dialpad with your own account and try again. (" + reason + ")";
        }
        return "Dialpad could not be connected (" + reason + "). Close this window and try again from the CRM.";
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
            if (isUniqueViolation(cause)) {
                // Only the one-rep-per-Dialpad-user index can be violated by store-connected-token (the rep's own
                // row is an upsert): another rep connected this Dialpad user, perhaps a moment ago.
                return USER_IN_USE;
            }
            cause = cause.getCause();
        }
        return "connect_failed";
    }

    /** A unique index refused the row (PostgreSQL SQLSTATE 23505), however the driver or Spring wrapped it. */
    public static boolean isUniqueViolation(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof DuplicateKeyException
                    || (cause instanceof SQLException sql && "23505".equals(sql.getSQLState()))) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
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
