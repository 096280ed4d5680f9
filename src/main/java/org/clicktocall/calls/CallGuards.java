package org.clicktocall.calls;

import java.time.Clock;
import java.time.Instant;

import io.micrometer.core.instrument.MeterRegistry;
import org.clicktocall.compliance.CallDecision;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The click's decisions after sql/start-click.sql, as functions of what the statement found: what happens next,
 * and the attempt's outcome when nothing is dialled. The guard state itself lives in PostgreSQL (the guard SQL
 * files), so the guards hold across instances. The {@code clicktocall.guards} counter counts each guard's answer.
 */
@Component("callGuards")
public class CallGuards {

    /** {@link #next} answers one of these; the place-call route has one {@code when} for each. */
    public static final String DUPLICATE = "duplicate";
    public static final String BLOCKED = "blocked";
    public static final String IN_BROWSER = "in_browser";
    public static final String NOT_CONNECTED = "not_connected";
    public static final String NO_BUDGET = "no_budget";
    public static final String REFRESH_FIRST = "refresh_first";
    public static final String DIAL = "dial";

    private final MeterRegistry meters;
    private final Clock clock;

    @Autowired
    public CallGuards(MeterRegistry meters) {
        this(meters, Clock.systemUTC());
    }

    CallGuards(MeterRegistry meters, Clock clock) {
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * What the click does next: answer a double click with its first call; refuse a number the call policy
     * refused (before anything else: no Dialpad request, no tel: link); log a call Dialpad's embedded dialer
     * places in the rep's browser (channel cti: it needs no token and no call start); give a rep without a usable
     * connection (no token, revoked, a stored user id that is not Dialpad's, a token that does not decrypt:
     * {@code bearer} null) the tel: link; the same when no call start is left; refresh an expired token first;
     * else dial.
     */
    public String next(ClickStart start, CallDecision policy, CallAttempt attempt, String bearer) {
        if (!start.fresh()) {
            meters.counter("clicktocall.guards", "guard", "duplicate_click", "result", "answered_with_existing").increment();
            return DUPLICATE;
        }
        if (!policy.allowed()) {
            return BLOCKED;
        }
        if (attempt.inBrowser()) {
            return IN_BROWSER;
        }
        RepToken token = start.token();
        if (token == null || token.disconnected() || !token.hasDialpadUserId() || bearer == null) {
            return NOT_CONNECTED;
        }
        if (!start.budgetOk()) {
            meters.counter("clicktocall.guards", "guard", "rate_budget", "result", "rate_limited").increment();
            return NO_BUDGET;
        }
        return token.expiresBefore(clock.instant().plusSeconds(30)) ? REFRESH_FIRST : DIAL;
    }

    /**
     * The attempt once start-click.sql ran: logged or not, the rep's Dialpad user id (logged with the call) and the
     * rep's saved caller id (used when the click did not choose one).
     */
    public CallAttempt started(CallAttempt attempt, ClickStart start) {
        RepToken token = start.token();
        boolean usable = token != null && !token.disconnected() && token.hasDialpadUserId();
        return attempt.started(start.logged(), usable ? token.dialpadUserId() : null,
                usable ? token.outboundCallerId() : null);
    }

    /** The call policy refused the number (callPolicy.decide): nothing is dialled, no tel: link is offered. */
    public CallAttempt blocked(CallAttempt attempt, CallDecision policy) {
        return attempt.blocked(policy);
    }

    /** Dialpad's embedded dialer in the rep's browser places the call once this answer says so (channel cti). */
    public CallAttempt placedInBrowser(CallAttempt attempt) {
        return attempt.placedInBrowser();
    }

    /**
     * The rep has no usable Dialpad connection: the CRM gets the tel: link and Dialpad is not asked. A rep whose
     * connection was revoked (or whose stored token is unusable) is told to reconnect.
     */
    public CallAttempt notConnected(CallAttempt attempt, RepToken token) {
        if (token == null) {
            return attempt.notConnected(false, "no Dialpad connection for this rep");
        }
        if (token.disconnected()) {
            return attempt.notConnected(true, "Dialpad connection revoked or expired: reconnect");
        }
        if (!token.hasDialpadUserId()) {
            // Goes into Dialpad's URL (initiate_call) and body (an int64): a value that is not one is this rep's
            // problem, answered before the breaker, never an exception that counts against Dialpad for every rep.
            return attempt.notConnected(true, "stored dialpad_user_id is not a Dialpad user id: reconnect");
        }
        return attempt.notConnected(true, "stored token cannot be decrypted: reconnect");
    }

    /** The rep's call budget is spent: no Dialpad call; the CRM gets the tel: link and when to try again. */
    public CallAttempt budgetSpent(CallAttempt attempt, Integer retryAfterSeconds) {
        CallAttempt.Request request = attempt.request();
        return attempt.rateLimited(retryAfterSeconds == null ? request.budgetPeriodSeconds() : retryAfterSeconds,
                "per-rep call budget spent (" + request.budgetCalls() + " per " + request.budgetPeriodSeconds() + " s)");
    }

    /**
     * The database failed after the click was logged (pending) and before Dialpad was asked: the row becomes a
     * fallback, so a retry within the double-click window is a new attempt, never "Already calling".
     */
    public CallAttempt databaseFailedBeforeDialpad(CallAttempt attempt) {
        return attempt.fallback("database_unavailable", "the database failed before Dialpad was asked");
    }

    /** The stored answer of an Idempotency-Key is replayed (counted like the other guards' answers). */
    public void replayed() {
        meters.counter("clicktocall.guards", "guard", "idempotency", "result", "replayed").increment();
    }

    Instant now() {
        return clock.instant();
    }
}
