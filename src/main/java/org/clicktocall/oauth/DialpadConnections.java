package org.clicktocall.oauth;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.clicktocall.calls.JsonRequests;
import org.clicktocall.config.DialpadOAuthProperties;
import org.clicktocall.config.TokenRefreshProperties;
import org.clicktocall.support.Json;
import org.clicktocall.tokens.TokenImports;
import org.clicktocall.web.ApiException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What the connect, status and refresh routes need besides the OAuth exchange itself: the rep's connection as the
 * CRM sees it (never a token), the browser's way back to the CRM (a {@link BrowserAnswer} the route turns into the
 * HTTP answer), and the refresh settings. Each method is a function of its arguments.
 */
@Component("dialpadConnections")
public class DialpadConnections {

    /** The callback's reasons for refusing a Dialpad account (the query's reason=, and the page). */
    public static final String USER_IN_USE = "dialpad_user_in_use";
    public static final String EMAIL_MISMATCH = "dialpad_email_mismatch";
    static final int MAX_EMAIL_LENGTH = 254;
    /** One @, something on both sides, no spaces or control characters: what the CRM stores, not full RFC 5322. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]+\\.[^@\\s\\p{Cntrl}]+");

    private final String returnUrl;
    private final RefreshPlan refreshPlan;
    private final AtomicLong expiring = new AtomicLong();

    public DialpadConnections(DialpadOAuthProperties oauth, TokenRefreshProperties refresh, MeterRegistry meters) {
        this.returnUrl = oauth.oauth().returnUrl();
        // Without an OAuth client there is nothing to refresh with: claim nothing rather than fail every token.
        this.refreshPlan = new RefreshPlan(refresh.windowSeconds(), oauth.oauth().configured() ? refresh.batch() : 0,
                refresh.leaseSeconds());
        Gauge.builder("clicktocall.tokens.expiring", expiring, AtomicLong::get)
                .description("Active tokens expiring within the refresh window (as of the last refresh run)")
                .register(meters);
    }

    /** tokens.refresh.* as one run's SQL parameters (batch 0 without an OAuth client). */
    public RefreshPlan refreshPlan() {
        return refreshPlan;
    }

    /** Sets the gauge {@code clicktocall.tokens.expiring} (what count-expiring-tokens.sql answered). */
    public void expiringCount(Number count) {
        expiring.set(count == null ? 0 : count.longValue());
    }

    /** The rep in the path, checked (400 otherwise): what find-rep-connection.sql and forget-rep-token.sql take. */
    public RepLookup rep(String repId) {
        return new RepLookup(JsonRequests.repId(repId));
    }

    /** POST /reps/{rep_id}/dialpad/connect answers only the URL; the state lives on in the database. */
    public Map<String, Object> authorizeAnswer(ConnectStart connect) {
        return Map.of("authorize_url", connect.authorizeUrl());
    }

    /** GET /reps/{rep_id}/dialpad (and DELETE's answer, with no row): the connection, never a token. */
    public Map<String, Object> status(RepLookup rep, Map<String, Object> row) {
        return status(rep.repId(), row, Instant.now());
    }

    /** The connection as the CRM sees it at {@code now}: an active token past its expiry is "expired". */
    static Map<String, Object> status(String repId, Map<String, Object> row, Instant now) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("rep_id", repId);
        if (row == null) {
            answer.put("connected", false);
            answer.put("status", "disconnected");
            for (String field : new String[] {"dialpad_user_id", "scopes", "expires_at", "last_refreshed_at", "last_error"}) {
                answer.put(field, null);
            }
            return answer;
        }
        String status = (String) row.get("status");
        Object expiresAt = row.get("expires_at");
        if ("active".equals(status) && expiresAt instanceof Timestamp ts && ts.toInstant().isBefore(now)) {
            status = "expired";
        }
        answer.put("connected", "active".equals(status));
        answer.put("status", status);
        answer.put("dialpad_user_id", row.get("dialpad_user_id"));
        answer.put("scopes", row.get("scope"));
        answer.put("expires_at", iso(expiresAt));
        answer.put("last_refreshed_at", iso(row.get("last_refreshed_at")));
        answer.put("last_error", row.get("last_error"));
        return answer;
    }

    /**
     * The tokens with the Dialpad user who owns them, from GET /api/v2/users/me's status and body. When the CRM named
     * the rep's e-mail at the start ({@code expected_email}), one of the user's {@code emails} must be it
     * (case-insensitive): someone else who opened the rep's link must not bind their own Dialpad account to the rep.
     * Refused with ConnectFailed (users_me_failed, dialpad_email_mismatch).
     */
    public ConnectedToken dialpadUser(Integer status, String body, ConnectedToken tokens, ConnectState state) {
        JsonNode user = status != null && status == 200 ? Json.tree(body) : null;
        String id = user != null && user.hasNonNull("id") ? user.get("id").asText() : null;
        if (!TokenImports.isPositiveInt64(id)) {
            throw new ConnectFailed("users_me_failed");
        }
        String expected = state == null ? null : state.expectedEmail();
        if (expected != null && !hasEmail(user.get("emails"), expected)) {
            throw new ConnectFailed(EMAIL_MISMATCH);
        }
        return tokens.ofDialpadUser(id);
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

    /** The tokens are stored: back to the CRM with ?dialpad=connected. */
    public BrowserAnswer connected() {
        return backToCrm(returnUrl, "connected", null);
    }

    /** Dialpad said no on the callback (the rep declined, or Dialpad failed): back to the CRM with its reason. */
    public BrowserAnswer declined(String dialpadError) {
        return backToCrm(returnUrl, "error", dialpadError);
    }

    /** The connect failed after the state was accepted: back to the CRM with the failure's reason. */
    public BrowserAnswer failed(Throwable failure) {
        return backToCrm(returnUrl, "error", reasonOf(failure));
    }

    /** The callback's state is unknown, used or expired: nothing is stored and we cannot tell which rep it was. */
    public BrowserAnswer invalidState() {
        return BrowserAnswer.page(400, page("This Dialpad connect link is unknown, was already used or has expired."
                + " Start again from the CRM's settings page."));
    }

    /**
     * Where the browser goes after the callback: the CRM's return URL with ?dialpad=connected|error (and reason),
     * or, without a return URL, a page (200 connected, 400 not).
     */
    static BrowserAnswer backToCrm(String returnUrl, String outcome, String reason) {
        boolean connected = "connected".equals(outcome);
        if (returnUrl == null || returnUrl.isBlank()) {
            return BrowserAnswer.page(connected ? 200 : 400,
                    page(connected ? "Dialpad is connected. You can close this window." : explanation(reason)));
        }
        UriComponentsBuilder target = UriComponentsBuilder.fromUriString(returnUrl).queryParam("dialpad", outcome);
        if (reason != null) {
            target.queryParam("reason", reason);
        }
        return BrowserAnswer.redirect(target.encode().build().toUriString());
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
