-- Dialpad's events older than the retention (calls.retention.events-days): a bounded batch, oldest first.
-- "= ANY (ARRAY(...))" deletes by primary key probes for just the batch, never a hash join over the whole table.
DELETE FROM call_events
 WHERE id = ANY (ARRAY(SELECT id
                         FROM call_events
                        WHERE received_at < now() - CAST(:#eventsDays AS integer) * interval '1 day'
                        ORDER BY received_at
                        LIMIT CAST(:#eventsBatch AS integer)))
