package org.clicktocall;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.ProducerTemplate;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What expires is deleted in bounded batches, and every statement the schedules run reads through an index: the
 * plans are printed (quote them from the test output) and checked for sequential scans of the big tables.
 */
class RetentionTest extends ServiceTest {

    @Autowired
    ProducerTemplate producer;

    private void purgeNow() {
        producer.sendBody("direct:purge-expired-data", null);
    }

    private int count(String sql) {
        return jdbc.queryForObject(sql, Integer.class);
    }

    @Test
    void expiredStatesOldEventsAndOldCallsAreDeletedWhatIsStillNeededIsKept() {
        jdbc.update("INSERT INTO oauth_states (state_hash, rep_id, code_verifier, expires_at) VALUES"
                + " ('retention-expired', 'rep-ret', 'x', now() - interval '1 minute'),"
                + " ('retention-live', 'rep-ret', 'x', now() + interval '5 minutes')");
        jdbc.update("INSERT INTO calls (id, to_number, status, status_rank, rep_id, started_at) VALUES"
                + " ('00000000-0000-4000-8000-000000000401', '+15550000401', 'ended', 5, 'rep-ret', now() - interval '401 days'),"
                + " ('00000000-0000-4000-8000-000000000399', '+15550000399', 'ended', 5, 'rep-ret', now() - interval '399 days')");
        jdbc.update("INSERT INTO call_events (dialpad_call_id, state, call_ref, payload, received_at) VALUES"
                + " ('ret-91', 'hangup', '00000000-0000-4000-8000-000000000399', '{}', now() - interval '91 days'),"
                + " ('ret-89', 'hangup', '00000000-0000-4000-8000-000000000399', '{}', now() - interval '89 days'),"
                + " ('ret-unmatched-8', 'hangup', NULL, '{}', now() - interval '8 days'),"
                + " ('ret-unmatched-6', 'hangup', NULL, '{}', now() - interval '6 days')");

        purgeNow();

        assertThat(jdbc.queryForList("SELECT state_hash FROM oauth_states WHERE state_hash LIKE 'retention-%'", String.class))
                .containsExactly("retention-live");
        assertThat(jdbc.queryForList("SELECT to_number FROM calls WHERE rep_id = 'rep-ret'", String.class))
                .containsExactly("+15550000399");
        assertThat(jdbc.queryForList("SELECT dialpad_call_id FROM call_events WHERE dialpad_call_id LIKE 'ret-%'"
                + " ORDER BY dialpad_call_id", String.class)).containsExactly("ret-89", "ret-unmatched-6");
    }

    @Test
    void aBacklogIsWorkedOffOneBoundedBatchPerRun() {
        jdbc.update("INSERT INTO call_events (dialpad_call_id, state, payload, received_at)"
                + " SELECT 'backlog-' || n, 'hangup', '{}', now() - interval '30 days' FROM generate_series(1, 5010) n");

        purgeNow();
        int afterOne = count("SELECT count(*) FROM call_events WHERE dialpad_call_id LIKE 'backlog-%'");
        purgeNow();
        int afterTwo = count("SELECT count(*) FROM call_events WHERE dialpad_call_id LIKE 'backlog-%'");

        assertThat(afterOne).as("one run deletes at most calls.retention.batch (5000) rows").isEqualTo(10);
        assertThat(afterTwo).isZero();
    }

    // ---- plans --------------------------------------------------------------------------------------------------

    /** Every statement the clustered schedules run (sweep, refresh, retention), with example parameters. */
    private static final Map<String, Map<String, String>> PERIODIC = new LinkedHashMap<>();

    static {
        PERIODIC.put("give-up-on-calls", Map.of("giveUpAfterSeconds", "7200"));
        PERIODIC.put("forget-expired-guards", Map.of());
        PERIODIC.put("find-stale-calls", Map.of("staleAfterSeconds", "600", "sweepBatch", "8"));
        PERIODIC.put("mark-call-checked", Map.of("id", "'00000000-0000-4000-8000-000000000001'::uuid"));
        PERIODIC.put("record-call-event", Map.ofEntries(Map.entry("callId", "'7000000000000001'"),
                Map.entry("callRef", "NULL"), Map.entry("state", "'hangup'"), Map.entry("customData", "NULL"),
                Map.entry("eventAt", "NULL"), Map.entry("payload", "'{}'"), Map.entry("rank", "5"),
                Map.entry("status", "'ended'"), Map.entry("answeredAt", "NULL::timestamptz"),
                Map.entry("endedAt", "NULL::timestamptz"), Map.entry("durationMs", "NULL::bigint"),
                Map.entry("recordingUrl", "NULL::text")));
        PERIODIC.put("count-expiring-tokens", Map.of("windowSeconds", "600"));
        PERIODIC.put("claim-expiring-tokens", Map.of("leaseSeconds", "60", "windowSeconds", "600", "batch", "100"));
        PERIODIC.put("purge-expired-oauth-states", Map.of("statesBatch", "5000"));
        PERIODIC.put("purge-unmatched-call-events", Map.of("unmatchedDays", "7", "unmatchedBatch", "5000"));
        PERIODIC.put("purge-old-call-events", Map.of("eventsDays", "90", "eventsBatch", "5000"));
        PERIODIC.put("purge-old-calls", Map.of("callsDays", "400", "callsBatch", "5000"));
    }

    private static final Pattern BIG_TABLE_SEQ_SCAN = Pattern.compile(
            "Seq Scan on (calls|call_events|oauth_states|idempotency_keys|recent_clicks|dialpad_tokens)\\b");

    @org.springframework.beans.factory.annotation.Autowired
    @org.springframework.beans.factory.annotation.Qualifier("jobsDataSource")
    javax.sql.DataSource jobs;

    @Test
    void everyPeriodicStatementReadsThroughAnIndex() throws Exception {
        // the jobs pool, as the retention route itself: filling a year of data outlasts the requests pool's 3 s reads
        try (Connection connection = jobs.getConnection()) {
            connection.setAutoCommit(false);   // everything below is rolled back: other tests never see these rows
            try (Statement sql = connection.createStatement()) {
                sql.execute("SET LOCAL statement_timeout = 0");   // filling a year of data takes longer than a click may
                fillLikeAYearOfProduction(sql);
                List<String> problems = new ArrayList<>();
                for (Map.Entry<String, Map<String, String>> each : PERIODIC.entrySet()) {
                    String statement = withParameters(read(each.getKey()), each.getValue());
                    // The planner's own choice on realistic volumes, after ANALYZE: what production would run.
                    String chosen = explain(sql, statement);
                    System.out.println("---- " + each.getKey() + " (planner's choice, 200,000 calls, 200,000 events)\n" + chosen);
                    Matcher seq = BIG_TABLE_SEQ_SCAN.matcher(chosen);
                    while (seq.find()) {
                        // dialpad_tokens holds one row per rep: a small table the planner may rightly read whole
                        if (!seq.group(1).equals("dialpad_tokens")) {
                            problems.add(each.getKey() + ": " + seq.group());
                        }
                    }
                    // And with sequential scans priced out: an index exists that serves every table it reads.
                    sql.execute("SET LOCAL enable_seqscan = off");
                    String indexed = explain(sql, statement);
                    sql.execute("SET LOCAL enable_seqscan = on");
                    if (indexed.contains("Seq Scan")) {
                        problems.add(each.getKey() + " has no usable index:\n" + indexed);
                    }
                }
                assertThat(problems).isEmpty();
            } finally {
                connection.rollback();
            }
        }
    }

    /** 2,000 reps, 200,000 calls over 500 days (1 % still open), 200,000 events over 120 days (a third unmatched), guards, states. */
    private static void fillLikeAYearOfProduction(Statement sql) throws Exception {
        sql.execute("INSERT INTO dialpad_tokens (rep_id, dialpad_user_id, access_token, refresh_token, expires_at)"
                + " SELECT 'plan-rep-' || n, (6000000000000000 + n)::text, 'k:x', 'k:y', now() + (n % 1440) * interval '1 minute'"
                + " FROM generate_series(1, 2000) n");
        sql.execute("INSERT INTO calls (id, to_number, status, status_rank, rep_id, started_at, updated_at, external_call_id)"
                + " SELECT gen_random_uuid(), '+1555' || lpad(n::text, 7, '0'),"
                + "        CASE WHEN n % 100 = 0 THEN 'ringing' ELSE 'ended' END, CASE WHEN n % 100 = 0 THEN 2 ELSE 5 END,"
                + "        'plan-rep-' || (n % 2000 + 1), now() - n * interval '216 seconds',"
                + "        now() - n * interval '216 seconds', (7100000000000000 + n)::text"
                + " FROM generate_series(1, 200000) n");
        sql.execute("INSERT INTO call_events (dialpad_call_id, state, call_ref, payload, received_at)"
                + " SELECT (7200000000000000 + n)::text, 'hangup', CASE WHEN n % 3 = 0 THEN NULL ELSE gen_random_uuid() END,"
                + "        '{}', now() - n * interval '52 seconds'"
                + " FROM generate_series(1, 200000) n");
        sql.execute("INSERT INTO oauth_states (state_hash, rep_id, code_verifier, expires_at)"
                + " SELECT 'plan-' || n, 'plan-rep-1', 'x', now() - (n % 10000) * interval '1 minute' FROM generate_series(1, 20000) n");
        sql.execute("INSERT INTO idempotency_keys (scope, idem_key, request_hash, state, expires_at)"
                + " SELECT 'plan', 'k' || n, 'h', 'done', now() + (n % 1440) * interval '1 minute' FROM generate_series(1, 20000) n");
        sql.execute("INSERT INTO recent_clicks (rep_id, to_number, call_id, expires_at)"
                + " SELECT 'plan-rep-' || n, '+15550000000', gen_random_uuid(), now() + (n % 60) * interval '1 second'"
                + " FROM generate_series(1, 20000) n");
        sql.execute("ANALYZE dialpad_tokens, calls, call_events, oauth_states, idempotency_keys, recent_clicks");
    }

    private static String explain(Statement sql, String statement) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rows = sql.executeQuery("EXPLAIN " + statement)) {
            while (rows.next()) {
                plan.append(rows.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    private static String read(String name) throws IOException {
        try (InputStream in = RetentionTest.class.getResourceAsStream("/sql/" + name + ".sql")) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The statement with each :#name replaced by a literal (EXPLAIN plans it without running it). */
    private static String withParameters(String statement, Map<String, String> values) {
        Matcher parameter = Pattern.compile(":#(\\w+)").matcher(statement);
        StringBuilder out = new StringBuilder();
        while (parameter.find()) {
            String value = values.get(parameter.group(1));
            assertThat(value).as("example value for :#" + parameter.group(1)).isNotNull();
            parameter.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        parameter.appendTail(out);
        return out.toString();
    }
}
