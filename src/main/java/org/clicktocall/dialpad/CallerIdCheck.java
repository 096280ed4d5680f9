package org.clicktocall.dialpad;

import java.util.List;
import java.util.Map;

import org.clicktocall.calls.CallAttempt;
import org.clicktocall.calls.RepToken;
import org.clicktocall.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * Whether a click's own {@code outbound_caller_id} is one of the rep's caller ids, checked like the saved preference
 * (PUT /reps/{rep_id}/dialpad/preferences): against Dialpad's {@code GET /api/v2/users/{id}/caller_id}, asked with
 * the rep's token. Functions of their arguments; the check-caller-id route does the SQL and the HTTP.
 *
 * <p>What it costs: nothing for a click without the field; one SQL read (the rep's token) when the click names the
 * rep's saved caller id, which was checked against Dialpad when it was saved and again when the rep reconnected;
 * that read and one Dialpad request otherwise.
 */
@Component("callerIdCheck")
public class CallerIdCheck {

    /** {@link #next} answers one of these; the check-caller-id route has one branch for each. */
    public static final String NOT_CONNECTED = "not_connected";
    public static final String SAVED = "saved";
    public static final String ASK_DIALPAD = "ask_dialpad";

    private final RepDialpadOptions options;

    public CallerIdCheck(RepDialpadOptions options) {
        this.options = options;
    }

    /**
     * What checking takes: nothing when the rep has no usable Dialpad connection (the click gets its tel: link and
     * nothing reaches Dialpad, so the caller id is not used); nothing more when it is the rep's saved caller id;
     * else Dialpad's list of the rep's caller ids.
     */
    public String next(CallAttempt attempt, RepToken token, String bearer) {
        if (token == null || token.disconnected() || !token.hasDialpadUserId() || bearer == null) {
            return NOT_CONNECTED;
        }
        return attempt.request().outboundCallerId().equals(token.outboundCallerId()) ? SAVED : ASK_DIALPAD;
    }

    /** The click's caller id is the rep's: Dialpad is asked to show it. */
    public CallAttempt chosen(CallAttempt attempt) {
        return attempt.callerIdChosen(attempt.request().outboundCallerId());
    }

    /** Dialpad listed the rep's caller ids (2xx): the click's must be one of them, else 400 and nothing is logged. */
    public CallAttempt listed(CallAttempt attempt, Object status, String body) {
        List<Map<String, Object>> callerIds;
        try {
            callerIds = options.callerIds(status, body);
        } catch (ApiException unreadable) {
            return unchecked(attempt);
        }
        String wanted = attempt.request().outboundCallerId();
        if (callerIds.stream().noneMatch(id -> wanted.equals(id.get("number")))) {
            throw ApiException.badRequest("invalid_caller_id",
                    "outbound_caller_id is not one of the rep's caller ids (GET /reps/{rep_id}/dialpad/options)");
        }
        return chosen(attempt);
    }

    /**
     * Dialpad's list could not be read (refused, unreachable, not JSON): the click goes on with its caller id, and
     * Dialpad's own check of the call request decides (a refusal is a tel: fallback for this rep only). A click is
     * not turned away because a list was unavailable.
     */
    public CallAttempt unchecked(CallAttempt attempt) {
        return chosen(attempt);
    }
}
