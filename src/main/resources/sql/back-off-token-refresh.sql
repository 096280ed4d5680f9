-- A transient failure (timeout, 5xx): stay active, retry later with exponential backoff (30 s doubling, max 15 min).
UPDATE dialpad_tokens
   SET refresh_failures = refresh_failures + 1,
       next_refresh_at = now() + LEAST(900, 30 * power(2, LEAST(refresh_failures, 10))) * interval '1 second',
       last_error = :#error, lease_until = NULL, updated_at = now()
 WHERE rep_id = :#repId AND version = CAST(:#version AS bigint)
