-- Spend one of the rep's call starts (Dialpad allows callsPerPeriod per periodSeconds per user). The newest
-- starts are kept newest first; the row lock of ON CONFLICT makes concurrent clicks on any instance queue up.
-- A row comes back when the start was allowed.
INSERT INTO rep_call_budget AS b (rep_id, starts)
VALUES (:#repId, ARRAY[now()])
ON CONFLICT (rep_id) DO UPDATE
   SET starts = (ARRAY[now()] || b.starts)[1:CAST(:#budgetCalls AS integer)]
 WHERE (b.blocked_until IS NULL OR b.blocked_until <= now())
   AND (cardinality(b.starts) < CAST(:#budgetCalls AS integer)
        OR b.starts[CAST(:#budgetCalls AS integer)]
           <= now() - CAST(:#budgetPeriodSeconds AS integer) * interval '1 second')
RETURNING rep_id
