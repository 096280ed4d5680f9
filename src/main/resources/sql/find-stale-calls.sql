-- Calls Dialpad accepted whose events stopped short of a final state, oldest first, with the rep's token to ask
-- Dialpad about them. At most sweepBatch per run: Dialpad allows 10 GET /api/v2/call lookups a minute.
SELECT c.id, c.rep_id, c.external_call_id, t.access_token
  FROM calls c
  JOIN dialpad_tokens t ON t.rep_id = c.rep_id AND t.status <> 'disconnected'
 WHERE c.status_rank BETWEEN 1 AND 3
   AND c.external_call_id ~ '^[0-9]{1,20}$'          -- Dialpad's ids are numeric; nothing else goes into a URL
   AND c.updated_at < now() - CAST(:#staleAfterSeconds AS integer) * interval '1 second'
   AND (c.last_checked_at IS NULL
        OR c.last_checked_at < now() - CAST(:#staleAfterSeconds AS integer) * interval '1 second')
 ORDER BY c.started_at
 LIMIT CAST(:#sweepBatch AS integer)
