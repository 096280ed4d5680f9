package org.clicktocall.calls;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.clicktocall.compliance.CallDecision;
import org.clicktocall.support.SqlParameters;

/**
 * One click, as the click routes carry it in the Camel variable {@code attempt}. The request part is fixed when the
 * request is parsed; the outcome changes only through the named transitions below, each returning a new attempt
 * (the route stores it back with {@code setVariable}). {@link #sqlParameters()} is the read-only view camel-sql
 * binds {@code :#name} parameters from (support.SqlParametersConverter).
 */
public record CallAttempt(Request request, Outcome outcome) implements SqlParameters {

    /**
     * What the CRM asked for, and the guard parameters that go with it.
     *
     * @param id                  this service's call id
     * @param startedNanos        when the request arrived (for the latency in the call log)
     * @param toNumber            the number to call, in E.164
     * @param destination         the same number as libphonenumber read it from the request (the call policy's input)
     * @param idemKey             the Idempotency-Key, or null
     * @param scope               SHA-256 of the API key that sent it (an Idempotency-Key is scoped to it), or null
     * @param requestHash         SHA-256 of the normalised request (a key reused for another request is refused)
     * @param clickWindowMillis   the duplicate-click window (0 when an Idempotency-Key deduplicates instead)
     * @param channel             {@code api}: this service asks Dialpad to call; {@code cti}: Dialpad's embedded
     *                            dialer in the rep's browser places the call, this service only decides and logs it
     * @param outboundCallerId    the caller id the CRM asked for on this click (E.164), or null: the rep's saved one
     * @param receivedAt          when the click arrived: the moment the calling hours are checked for
     */
    public record Request(UUID id, long startedNanos, String repId, String toNumber, PhoneNumber destination,
                          String contactId, String dealId,
                          String externalId, String idemKey, String scope, String requestHash, long clickWindowMillis,
                          long idemTtlSeconds, long idemTakeoverSeconds, int budgetCalls, int budgetPeriodSeconds,
                          String channel, String outboundCallerId, Instant receivedAt) {
    }

    /**
     * Where the attempt stands.
     *
     * @param status            pending, initiated, unconfirmed, fallback or blocked (the calls row's status)
     * @param reason            why the rep gets a tel: link, why Dialpad's outcome is unknown or why the call policy
     *                          refused the number; null while dialling
     * @param callerId          the caller id Dialpad is asked to show (the click's, checked, or the rep's saved one)
     * @param logged            the pending calls row is written (start-click.sql)
     * @param reconnect         the rep's connection was revoked: the toast tells the rep to reconnect
     * @param policy            blocked only: the call policy's decision (local times, next allowed moment)
     */
    public record Outcome(String status, String reason, String detail, String dialpadUserId, String dialpadCallId,
                          Integer dialpadStatus, Integer retryAfterSeconds, String callerId, boolean logged,
                          boolean reconnect, CallDecision policy) {
    }

    static final Outcome PENDING = new Outcome("pending", null, null, null, null, null, null, null, false, false, null);

    public static CallAttempt of(Request request) {
        return new CallAttempt(request, PENDING);
    }

    // ---- transitions -------------------------------------------------------------------------------------------

    /** The click's own caller id was checked against the rep's at Dialpad (or could not be, and Dialpad decides). */
    public CallAttempt callerIdChosen(String callerId) {
        return with(new Outcome(outcome.status, outcome.reason, outcome.detail, outcome.dialpadUserId,
                outcome.dialpadCallId, outcome.dialpadStatus, outcome.retryAfterSeconds, callerId, outcome.logged,
                outcome.reconnect, outcome.policy));
    }

    /**
     * start-click.sql ran: whether it logged the pending row, the rep's Dialpad user id (logged with it) and the
     * rep's saved caller id, used unless the click chose its own.
     */
    public CallAttempt started(boolean logged, String dialpadUserId, String savedCallerId) {
        return with(new Outcome(outcome.status, outcome.reason, outcome.detail, dialpadUserId, outcome.dialpadCallId,
                outcome.dialpadStatus, outcome.retryAfterSeconds,
                outcome.callerId != null ? outcome.callerId : savedCallerId, logged, outcome.reconnect, outcome.policy));
    }

    /** The call policy refused the number: nothing is dialled and no tel: link is offered. */
    public CallAttempt blocked(CallDecision decision) {
        return with(new Outcome("blocked", decision.reason(), decision.message(), outcome.dialpadUserId, null, null,
                null, outcome.callerId, outcome.logged, false, decision));
    }

    /** Dialpad's embedded dialer in the rep's browser places the call (channel cti): logged as initiated. */
    public CallAttempt placedInBrowser() {
        return with(new Outcome("initiated", null, null, outcome.dialpadUserId, null, null, null, outcome.callerId,
                outcome.logged, false, null));
    }

    /** Nothing is dialled; the CRM gets the tel: link and why. */
    public CallAttempt fallback(String reason, String detail) {
        return with(new Outcome("fallback", reason, detail, outcome.dialpadUserId, null, outcome.dialpadStatus,
                outcome.retryAfterSeconds, outcome.callerId, outcome.logged, outcome.reconnect, null));
    }

    /** The rep has no usable Dialpad connection; {@code revoked}: there was one, the rep must reconnect. */
    public CallAttempt notConnected(boolean revoked, String detail) {
        return with(new Outcome("fallback", "not_connected", detail, outcome.dialpadUserId, null, null, null,
                outcome.callerId, outcome.logged, revoked, null));
    }

    /** No call start left (our budget, or Dialpad's 429): try again after {@code retryAfterSeconds}. */
    public CallAttempt rateLimited(int retryAfterSeconds, String detail) {
        return with(new Outcome("fallback", "rate_limited", detail, outcome.dialpadUserId, null,
                outcome.dialpadStatus, retryAfterSeconds, outcome.callerId, outcome.logged, false, null));
    }

    /** Dialpad took the call (2xx); {@code callId} is null in initiate mode. */
    public CallAttempt initiated(String callId, int dialpadStatus) {
        return with(new Outcome("initiated", null, null, outcome.dialpadUserId, callId, dialpadStatus, null,
                outcome.callerId, outcome.logged, false, null));
    }

    /** Dialpad refused (4xx): nothing rings; after a 429, no starts for the rep until {@code retryAfterSeconds}. */
    public CallAttempt refused(int dialpadStatus, String reason, String detail, Integer retryAfterSeconds) {
        return with(new Outcome("fallback", reason, detail, outcome.dialpadUserId, null, dialpadStatus,
                retryAfterSeconds, outcome.callerId, outcome.logged, false, null));
    }

    /** Dialpad had the request but gave no clear answer (a 5xx, or none at all): the rep's phone may still ring. */
    public CallAttempt unconfirmed(String reason, String detail, Integer dialpadStatus) {
        return with(new Outcome("unconfirmed", reason, detail, outcome.dialpadUserId, null, dialpadStatus,
                null, outcome.callerId, outcome.logged, false, null));
    }

    /** The token was refreshed after Dialpad's 401: the second (last) attempt starts clean. */
    public CallAttempt retrying() {
        return with(new Outcome("pending", null, null, outcome.dialpadUserId, null, null, null, outcome.callerId,
                outcome.logged, false, null));
    }

    private CallAttempt with(Outcome next) {
        return new CallAttempt(request, next);
    }

    // ---- reading -----------------------------------------------------------------------------------------------

    public UUID id() {
        return request.id;
    }

    public String toNumber() {
        return request.toNumber;
    }

    /** The number to call as libphonenumber read it from the request: what the call policy decides on. */
    public PhoneNumber destination() {
        return request.destination;
    }

    /** When the click arrived (the calling hours are checked for this moment). */
    public Instant receivedAt() {
        return request.receivedAt;
    }

    /** Dialpad's embedded dialer places this call, not this service (channel cti). */
    public boolean inBrowser() {
        return "cti".equals(request.channel);
    }

    /** Still nothing decided against dialling (nor against the number). */
    public boolean dialable() {
        return outcome.reason == null;
    }

    /** The names the click's SQL files use. */
    static final Set<String> SQL_NAMES = Set.of("id", "repId", "toNumber", "contactId", "dealId", "externalId",
            "idemKey", "scope", "requestHash", "clickWindowMillis", "idemTtlSeconds", "idemTakeoverSeconds",
            "budgetCalls", "budgetPeriodSeconds", "channel", "status", "reason", "detail", "dialpadUserId", "dialpadCallId",
            "dialpadStatus", "retryAfterSeconds");

    /** A read-only map over this attempt for camel-sql's {@code :#name} parameters (no copy is made). */
    @Override
    public Map<String, Object> sqlParameters() {
        return new SqlParameters(this);
    }

    Object sqlParameter(String name) {
        return switch (name) {
            case "id" -> request.id;
            case "repId" -> request.repId;
            case "toNumber" -> request.toNumber;
            case "contactId" -> request.contactId;
            case "dealId" -> request.dealId;
            case "externalId" -> request.externalId;
            case "idemKey" -> request.idemKey;
            case "scope" -> request.scope;
            case "requestHash" -> request.requestHash;
            case "clickWindowMillis" -> request.clickWindowMillis;
            case "idemTtlSeconds" -> request.idemTtlSeconds;
            case "idemTakeoverSeconds" -> request.idemTakeoverSeconds;
            case "budgetCalls" -> request.budgetCalls;
            case "budgetPeriodSeconds" -> request.budgetPeriodSeconds;
            case "channel" -> request.channel;
            case "status" -> outcome.status;
            case "reason" -> outcome.reason;
            case "detail" -> outcome.detail;
            case "dialpadUserId" -> outcome.dialpadUserId;
            case "dialpadCallId" -> outcome.dialpadCallId;
            case "dialpadStatus" -> outcome.dialpadStatus;
            case "retryAfterSeconds" -> outcome.retryAfterSeconds;
            default -> null;
        };
    }

    private static final class SqlParameters extends AbstractMap<String, Object> {
        private final CallAttempt attempt;

        SqlParameters(CallAttempt attempt) {
            this.attempt = attempt;
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String name && SQL_NAMES.contains(name);
        }

        @Override
        public Object get(Object key) {
            return key instanceof String name ? attempt.sqlParameter(name) : null;
        }

        // camel-sql asks isEmpty() (hence size()) of the body map for every parameter of every statement: answer
        // from the fixed name set instead of AbstractMap's walk over entrySet().
        @Override
        public int size() {
            return SQL_NAMES.size();
        }

        @Override
        public boolean isEmpty() {
            return false;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Map<String, Object> copy = new LinkedHashMap<>();
            SQL_NAMES.stream().sorted().forEach(name -> copy.put(name, attempt.sqlParameter(name)));
            return java.util.Collections.unmodifiableMap(copy).entrySet();
        }
    }
}
