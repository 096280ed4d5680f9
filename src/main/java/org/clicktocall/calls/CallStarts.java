package org.clicktocall.calls;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Reads the one row {@code sql/start-click.sql} answers into the call attempt, for the start-click route: is this
 * a repeated click, which token does the rep have, was a call start left in the budget, is the call logged yet.
 */
@Component("callStarts")
public class CallStarts {

    /**
     * Sets on the attempt: {@code duplicate} (an identical click holds the slot), {@code logged} (the pending row
     * is written), {@code budgetSpent} (the rep has no call start left). Sets the exchange properties
     * {@code repToken} (the token columns, or null when the rep has none) and {@code duplicateOf} (the call the
     * first click made, when the statement could see it).
     */
    public void read(Exchange exchange, @ExchangeProperty("call") Map<String, Object> call, @Body Map<String, Object> start) {
        boolean fresh = Boolean.TRUE.equals(start.get("fresh"));
        call.put("duplicate", !fresh);
        call.put("logged", Boolean.TRUE.equals(start.get("logged")));
        call.put("budgetSpent", false);
        exchange.setProperty("repToken", null);
        if (!fresh) {
            exchange.setProperty("duplicateOf", start.get("duplicate_id") == null ? null : duplicateOf(start));
            return;
        }
        if (!Boolean.TRUE.equals(start.get("has_token"))) {
            return;
        }
        Map<String, Object> token = new HashMap<>();
        for (String column : new String[] {"dialpad_user_id", "access_token", "outbound_caller_id", "device_id",
                "expires_at", "status", "refreshable"}) {
            token.put(column, start.get(column));
        }
        exchange.setProperty("repToken", token);
        call.put("budgetSpent", !"disconnected".equals(token.get("status")) && !Boolean.TRUE.equals(start.get("budget_ok")));
    }

    /** The same shape find-duplicate-click.sql answers. */
    private static Map<String, Object> duplicateOf(Map<String, Object> start) {
        Map<String, Object> existing = new HashMap<>();
        existing.put("id", start.get("duplicate_id"));
        existing.put("status", start.get("duplicate_status"));
        existing.put("fallback_reason", start.get("duplicate_fallback_reason"));
        existing.put("external_call_id", start.get("duplicate_external_call_id"));
        return existing;
    }
}
