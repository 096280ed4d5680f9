-- Calls still open (or stuck pending) long after they started: closed as 'unknown' (rank 4). A final event that
-- arrives later still replaces it.
UPDATE calls
   SET status = 'unknown', status_rank = 4, updated_at = now()
 WHERE status_rank BETWEEN 0 AND 3
   AND started_at < now() - CAST(:#giveUpAfterSeconds AS integer) * interval '1 second'
