package org.clicktocall.calls;

import java.sql.Timestamp;
import java.util.Map;
import java.util.UUID;

import org.clicktocall.support.SqlParameters;

/**
 * GET /calls as list-calls.sql reads it, held in the list-calls route's variable {@code query}: the checked filters,
 * the page size, and the cursor (the last call of the previous page, and once looked up its start time).
 *
 * @param since    null, or calls started at or after it
 * @param limit    the page size (1 to 200); the statement reads one row more to know whether a next page exists
 * @param before   null, or the cursor: the id of the previous page's last call
 * @param beforeAt the cursor call's start time (find-call-cursor.sql); null until it was looked up
 */
public record CallQuery(String repId, String contactId, String dealId, Timestamp since, int limit, UUID before,
                        Timestamp beforeAt) implements SqlParameters {

    /** The same query, ordered after the cursor call that started at {@code startedAt}. */
    public CallQuery after(Timestamp startedAt) {
        return new CallQuery(repId, contactId, dealId, since, limit, before, startedAt);
    }

    /** The names list-calls.sql and find-call-cursor.sql use. */
    @Override
    public Map<String, Object> sqlParameters() {
        return SqlParameters.of("repId", repId, "contactId", contactId, "dealId", dealId, "since", since,
                "before", before, "beforeAt", beforeAt, "limitPlusOne", limit + 1);
    }
}
