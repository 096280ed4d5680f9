-- Seconds until the rep may start a call again: the oldest counted start leaving the period, or Dialpad's block.
SELECT CAST(CEIL(GREATEST(1,
         COALESCE(EXTRACT(EPOCH FROM blocked_until - now()), 0),
         CASE WHEN cardinality(starts) >= CAST(:#budgetCalls AS integer)
              THEN EXTRACT(EPOCH FROM starts[CAST(:#budgetCalls AS integer)]
                   + CAST(:#budgetPeriodSeconds AS integer) * interval '1 second' - now())
              ELSE 0 END)) AS integer) AS retry_after
  FROM rep_call_budget
 WHERE rep_id = :#repId
