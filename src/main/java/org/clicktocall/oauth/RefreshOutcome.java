package org.clicktocall.oauth;

import java.sql.Timestamp;
import java.util.Locale;
import java.util.Map;

import org.clicktocall.support.SqlParameters;

/**
 * What refreshing one claimed token came to, held in refresh-one-token's variable {@code refresh}: the parameters
 * of save-refreshed-token.sql, disconnect-rep-token.sql or back-off-token-refresh.sql. The new pair is encrypted
 * (only when {@link Kind#REFRESHED}); {@link #toString()} shows neither token.
 *
 * @param version  the row's version when it was claimed (a concurrent reconnect wins)
 * @param failures refresh failures so far (the backoff's exponent)
 * @param error    Dialpad's error code or the failure's type; null when refreshed
 */
public record RefreshOutcome(Kind kind, String repId, Object version, Object failures, String error,
                             String accessToken, String refreshToken, Timestamp expiresAt, String scope)
        implements SqlParameters {

    /** refreshed: the new pair; invalid_grant: revoked, reused or expired, the rep must reconnect; else retried. */
    public enum Kind {
        REFRESHED, INVALID_GRANT, TRANSIENT_ERROR;

        /** The name callers and the metric see: refreshed, invalid_grant, transient_error. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    // (Named unlike the accessors below: Camel's ${variable.refresh.refreshed} would find a static of that name.)
    static RefreshOutcome newPair(Map<String, Object> claimed, ConnectedToken tokens) {
        return new RefreshOutcome(Kind.REFRESHED, tokens.repId(), claimed.get("version"),
                claimed.get("refresh_failures"), null, tokens.accessToken(), tokens.refreshToken(),
                tokens.expiresAt(), tokens.scope());
    }

    static RefreshOutcome failure(Kind kind, Map<String, Object> claimed, String error) {
        return new RefreshOutcome(kind, (String) claimed.get("rep_id"), claimed.get("version"),
                claimed.get("refresh_failures"), error, null, null, null, null);
    }

    /** The outcome's name (what refresh-one-token answers). */
    public String name() {
        return kind.wireName();
    }

    public boolean refreshed() {
        return kind == Kind.REFRESHED;
    }

    /** The token endpoint said invalid_grant: disconnect, never retry. */
    public boolean refused() {
        return kind == Kind.INVALID_GRANT;
    }

    @Override
    public Map<String, Object> sqlParameters() {
        return SqlParameters.of("outcome", name(), "repId", repId, "version", version, "failures", failures,
                "error", error, "accessToken", accessToken, "refreshToken", refreshToken, "expiresAt", expiresAt,
                "scope", scope);
    }

    @Override
    public String toString() {
        return "RefreshOutcome[" + name() + ", repId=" + repId + ", version=" + version + ", error=" + error + "]";
    }
}
