package org.clicktocall.calls;

import java.util.HashMap;
import java.util.Map;

/**
 * What sql/start-click.sql found, in one row: whether this click is fresh (not a double click), whether the number
 * is on the do-not-call list, the call a double click's first click made (null when this statement could not see
 * it yet), the rep's token, whether a call start was left, and whether the pending calls row was written.
 */
public record ClickStart(boolean fresh, boolean doNotCall, Map<String, Object> duplicateOf, RepToken token,
                         boolean budgetOk, boolean logged) {

    /** Reads the statement's row. */
    public static ClickStart fromRow(Map<String, Object> row) {
        boolean fresh = Boolean.TRUE.equals(row.get("fresh"));
        Map<String, Object> duplicateOf = null;
        if (!fresh && row.get("duplicate_id") != null) {
            // the same shape find-duplicate-click.sql answers
            duplicateOf = new HashMap<>();
            duplicateOf.put("id", row.get("duplicate_id"));
            duplicateOf.put("status", row.get("duplicate_status"));
            duplicateOf.put("fallback_reason", row.get("duplicate_fallback_reason"));
            duplicateOf.put("fallback_detail", row.get("duplicate_fallback_detail"));
            duplicateOf.put("external_call_id", row.get("duplicate_external_call_id"));
            duplicateOf.put("channel", row.get("duplicate_channel"));
        }
        RepToken token = fresh && Boolean.TRUE.equals(row.get("has_token")) ? RepToken.fromRow(row) : null;
        return new ClickStart(fresh, Boolean.TRUE.equals(row.get("do_not_call")), duplicateOf, token,
                Boolean.TRUE.equals(row.get("budget_ok")), Boolean.TRUE.equals(row.get("logged")));
    }
}
