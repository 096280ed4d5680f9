-- Housekeeping for the guard tables: expired idempotency keys and click slots are of no further use.
WITH keys AS (DELETE FROM idempotency_keys WHERE expires_at < now() - interval '1 hour' RETURNING 1)
DELETE FROM recent_clicks WHERE expires_at < now() - interval '1 hour'
