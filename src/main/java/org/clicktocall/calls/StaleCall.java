package org.clicktocall.calls;

import java.util.Map;
import java.util.UUID;

import org.clicktocall.support.SqlParameters;

/**
 * One call whose events stopped short of a final state (a row of find-stale-calls.sql), as the sweep carries it in
 * the variable {@code staleCall}. The rep's access token is still encrypted; {@link #toString()} never shows it.
 *
 * @param externalCallId Dialpad's call id: digits only (the statement selects no other), so it may go into a URL
 */
public record StaleCall(UUID id, String repId, String externalCallId, String encryptedAccessToken)
        implements SqlParameters {

    /** Reads the statement's row. */
    public static StaleCall fromRow(Map<String, Object> row) {
        return new StaleCall((UUID) row.get("id"), (String) row.get("rep_id"), (String) row.get("external_call_id"),
                (String) row.get("access_token"));
    }

    /** What mark-call-checked.sql needs. */
    @Override
    public Map<String, Object> sqlParameters() {
        return SqlParameters.of("id", id);
    }

    @Override
    public String toString() {
        return "StaleCall[id=" + id + ", repId=" + repId + ", externalCallId=" + externalCallId + "]";
    }
}
