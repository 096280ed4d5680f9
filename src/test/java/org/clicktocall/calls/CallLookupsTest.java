package org.clicktocall.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.clicktocall.api.CallPage;
import org.clicktocall.web.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading calls back: the query, the cursor and the page are functions of what the CRM sent and the rows. */
class CallLookupsTest {

    static final CallLookups LOOKUPS = new CallLookups(new CallAnswers());
    static final String CURSOR = "6534fbeb-1053-4503-974f-7c9c03ebaf63";
    static final Timestamp STARTED = Timestamp.from(Instant.parse("2026-12-01T10:00:00Z"));

    @ParameterizedTest(name = "rep={0} since={1} limit={2} before={3} -> {4}")
    @CsvSource(nullValues = "-", value = {
            "-,     -,                          -,    -,      ok 50",
            "rep-1, 2026-01-01T00:00:00Z,       200,  cursor, ok 200",
            "rep-1, 2026-01-01T00:00:00+02:00,  1,    -,      ok 1",
            "'',    -,                          -,    -,      rep_id must be 1 to 128 printable characters",
            "-,     2026-01-01,                 -,    -,      since must be an ISO-8601 timestamp",
            "-,     +99999-01-01T00:00:00Z,     -,    -,      since must be an ISO-8601 timestamp",
            "-,     1969-12-31T23:59:59Z,       -,    -,      since must be an ISO-8601 timestamp",
            "-,     -,                          0,    -,      limit must be 1 to 200",
            "-,     -,                          201,  -,      limit must be 1 to 200",
            "-,     -,                          +5,   -,      limit must be 1 to 200",
            "-,     -,                          1e2,  -,      limit must be 1 to 200",
            "-,     -,                          -,    abc,    before must be the next value of a previous page"})
    void theQueryIsCheckedBeforeAnyStatement(String repId, String since, String limit, String before, String outcome) {
        String cursor = "cursor".equals(before) ? CURSOR : before;
        if (outcome.startsWith("ok")) {
            CallQuery query = LOOKUPS.listQuery(repId, null, null, since, limit, cursor);
            assertThat(query.limit()).isEqualTo(Integer.parseInt(outcome.substring(3)));
            assertThat(query.repId()).isEqualTo(repId);
            assertThat(query.since() == null).isEqualTo(since == null);
            assertThat(query.before()).isEqualTo(cursor == null ? null : UUID.fromString(cursor));
            assertThat(query.beforeAt()).isNull();
            assertThat(query.sqlParameters()).containsEntry("limitPlusOne", query.limit() + 1).hasSize(7);
        } else {
            assertThatThrownBy(() -> LOOKUPS.listQuery(repId, null, null, since, limit, cursor))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).startsWith(outcome);
                    });
        }
    }

    @Test
    void aRepeatedParameterIsRefusedRatherThanReduced() {
        assertThatThrownBy(() -> LOOKUPS.listQuery(List.of("rep-1", "rep-2"), null, null, null, null, null))
                .isInstanceOf(ApiException.class).hasMessage("rep_id may be given once");
    }

    @Test
    void theCursorsStartTimeOrdersTheNextPageAndNoRowIsABadCursor() {
        CallQuery query = LOOKUPS.listQuery(null, null, null, null, null, CURSOR);

        assertThat(LOOKUPS.afterCursor(query, Map.of("id", CURSOR, "started_at", STARTED)).beforeAt()).isEqualTo(STARTED);
        assertThat(LOOKUPS.afterCursor(query, Map.of("started_at", OffsetDateTime.ofInstant(STARTED.toInstant(),
                ZoneOffset.ofHours(2)))).beforeAt()).isEqualTo(STARTED);
        assertThat(query.beforeAt()).as("the query given is not changed").isNull();
        for (Object row : new Object[] {null, Map.of("id", CURSOR)}) {
            assertThatThrownBy(() -> LOOKUPS.afterCursor(query, row)).isInstanceOf(ApiException.class)
                    .hasMessageStartingWith("before must be the next value of a previous page");
        }
    }

    @ParameterizedTest(name = "{0} rows, limit {1} -> {2} calls, next: {3}")
    @CsvSource({"0, 2, 0, false", "2, 2, 2, false", "3, 2, 2, true", "1, 50, 1, false"})
    void aPageNamesItsNextCursorOnlyWhenThereIsOne(int rows, int limit, int calls, boolean hasNext) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            Map<String, Object> row = new HashMap<>();
            row.put("id", UUID.nameUUIDFromBytes(new byte[] {(byte) i}));
            row.put("status", "initiated");
            row.put("to_number", "+15551234567");
            row.put("started_at", STARTED);
            found.add(row);
        }

        CallPage page = LOOKUPS.page(LOOKUPS.listQuery(null, null, null, null, String.valueOf(limit), null), found);

        assertThat(page.calls()).hasSize(calls);
        assertThat(page.next()).isEqualTo(hasNext ? found.get(calls - 1).get("id").toString() : null);
    }
}
