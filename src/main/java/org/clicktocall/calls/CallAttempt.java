package org.clicktocall.calls;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One click, as the click routes carry it in the Camel variable {@code attempt}. The request part is fixed when the
 * request is parsed; the outcome changes only through the named transitions below, each returning a new attempt
 * (the route stores it back with {@code setVariable}). {@link #sqlParameters()} is the read-only view camel-sql
 * binds {@code :#name} parameters from (see {@link CallAttemptConverter}).
 */
public record CallAttempt(Request request, Outcome outcome) {

    /**
     * What the CRM asked for, and the guard parameters that go with it.
     *
     * @param id                  this service's call id
     * @param startedNanos        when the request arrived (for the latency in the call log)
     * @param idemKey             the Idempotency-Key, or null
     * @param scope               SHA-256 of the API key that sent it (an Idempotency-Key is scoped to it), or null
     * @param requestHash         SHA-256 of the normalised request (a key reused for another request is refused)
     * @param clickWindowMillis   the duplicate-click window (0 when an Idempotency-Key deduplicates instead)
     */
    public record Request(UUID id, long startedNanos, String repId, String toNumber, String contactId, String dealId,
                          String externalId, String idemKey, String scope, String requestHash, long clickWindowMillis,
                          long idemTtlSeconds, long idemTakeoverSeconds, int budgetCalls, int budgetPeriodSeconds) {
    }

    /**
     * Where the attempt stands.
     *
     * @param status            pending, initiated, unconfirmed or fallback (the calls row's status)
     * @param reason            why the rep gets a tel: link or why Dialpad's outcome is unknown; null while dialling
     * @param logged            the pending calls row is written (start-click.sql)
     * @param reconnect         the rep's connection was revoked: the toast tells the rep to reconnect
     */
    public record Outcome(String status, String reason, String detail, String dialpadUserId, String dialpadCallId,
                          Integer dialpadStatus, Integer retryAfterSeconds, boolean logged, boolean reconnect) {
    }

    static final Outcome PENDING = new Outcome("pending", null, null, null, null, null, null, false, false);

    public static CallAttempt of(Request request) {
        return new CallAttempt(request, PENDING);
    }

    // ---- transitions -------------------------------------------------------------------------------------------

    /** start-click.sql ran: whether it logged the pending row, and the rep's Dialpad user id (logged with it). */
    public CallAttempt started(boolean logged, String dialpadUserId) {
        return with(new Outcome(outcome.status, outcome.reason, outcome.detail, dialpadUserId, outcome.dialpadCallId,
                outcome.dialpadStatus, outcome.retryAfterSeconds, logged, outcome.reconnect));
    }

    /** Nothing is dialled; the CRM gets the tel: link and why. */
    public CallAttempt fallback(String reason, String detail) {
        return with(new Outcome("fallback", reason, detail, outcome.dialpadUserId, null, outcome.dialpadStatus,
                outcome.retryAfterSeconds, outcome.logged, outcome.reconnect));
    }

    /** The rep has no usable Dialpad connection; {@code revoked}: there was one, the rep must reconnect. */
    public CallAttempt notConnected(boolean revoked, String detail) {
        return with(new Outcome("fallback", "not_connected", detail, outcome.dialpadUserId, null, null, null,
                outcome.logged, revoked));
    }

    /** No call start left (our budget, or Dialpad's 429): try again after {@code retryAfterSeconds}. */
    public CallAttempt rateLimited(int retryAfterSeconds, String detail) {
        return with(new Outcome("fallback", "rate_limited", detail, outcome.dialpadUserId, null,
                outcome.dialpadStatus, retryAfterSeconds, outcome.logged, false));
    }

    /** Dialpad took the call (2xx); {@code callId} is null in initiate mode. */
    public CallAttempt initiated(String callId, int dialpadStatus) {
        return with(new Outcome("initiated", null, null, outcome.dialpadUserId, callId, dialpadStatus, null,
                outcome.logged, false));
    }

    /** Dialpad refused (4xx): nothing rings; after a 429, no starts for the rep until {@code retryAfterSeconds}. */
    public CallAttempt refused(int dialpadStatus, String reason, String detail, Integer retryAfterSeconds) {
        return with(new Outcome("fallback", reason, detail, outcome.dialpadUserId, null, dialpadStatus,
                retryAfterSeconds, outcome.logged, false));
    }

    /** Dialpad had the request but gave no clear answer (a 5xx, or none at all): the rep's phone may still ring. */
    public CallAttempt unconfirmed(String reason, String detail, Integer dialpadStatus) {
        return with(new Outcome("unconfirmed", reason, detail, outcome.dialpadUserId, null, dialpadStatus,
                null, outcome.logged, false));
    }

    /** The token was refreshed after Dialpad's 401: the second (last) attempt starts clean. */
    public CallAttempt retrying() {
        return with(new Outcome("pending", null, null, outcome.dialpadUserId, null, null, null, outcome.logged, false));
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

    /** Still nothing decided against dialling. */
    public boolean dialable() {
        return outcome.reason == null;
    }

    /** The names the click's SQL files use. */
    static final Set<String> SQL_NAMES = Set.of("id", "repId", "toNumber", "contactId", "dealId", "externalId",
            "idemKey", "scope", "requestHash", "clickWindowMillis", "idemTtlSeconds", "idemTakeoverSeconds",
            "budgetCalls", "budgetPeriodSeconds", "status", "reason", "detail", "dialpadUserId", "dialpadCallId",
            "dialpadStatus", "retryAfterSeconds");

    /** A read-only map over this attempt for camel-sql's {@code :#name} parameters (no copy is made). */
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
