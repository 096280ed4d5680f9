-- Events that matched none of our calls (company-wide subscriptions see every call) are kept only briefly
-- (calls.retention.unmatched-events-days): a bounded batch, oldest first. "= ANY (ARRAY(...))" deletes by
-- primary key probes for just the batch, never a hash join over the whole table.
DELETE FROM call_events
 WHERE id = ANY (ARRAY(SELECT id
                         FROM call_events
                        WHERE call_ref IS NULL
                          AND received_at < now() - CAST(:#unmatchedDays AS integer) * interval '1 day'
                        ORDER BY received_at
                        LIMIT CAST(:#unmatchedBatch AS integer)))
