-- Connect attempts whose state has expired (used or not) are of no further use: a bounded batch, oldest first.
-- "= ANY (ARRAY(...))" deletes by primary key probes for just the batch, never a hash join over the whole table.
DELETE FROM oauth_states
 WHERE state_hash = ANY (ARRAY(SELECT state_hash
                                 FROM oauth_states
                                WHERE expires_at < now()
                                ORDER BY expires_at
                                LIMIT CAST(:#statesBatch AS integer)))
