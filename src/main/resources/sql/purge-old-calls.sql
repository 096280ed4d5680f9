-- Calls older than the retention (calls.retention.calls-days): a bounded batch, oldest first. Their events went
-- earlier (events-days is shorter); guard rows that name a call expire within a day. "= ANY (ARRAY(...))" deletes
-- by primary key probes for just the batch, never a hash join over the whole table.
DELETE FROM calls
 WHERE id = ANY (ARRAY(SELECT id
                         FROM calls
                        WHERE started_at < now() - CAST(:#callsDays AS integer) * interval '1 day'
                        ORDER BY started_at
                        LIMIT CAST(:#callsBatch AS integer)))
