-- Claim a batch of tokens that expire within the window, for this instance only: a short lease (not an open
-- transaction) keeps other instances off them while the token endpoint is called. SKIP LOCKED lets two
-- instances claim different rows at the same moment instead of waiting on each other.
UPDATE dialpad_tokens t
   SET lease_until = now() + CAST(:#leaseSeconds AS integer) * interval '1 second'
  FROM (SELECT rep_id
          FROM dialpad_tokens
         WHERE status = 'active'
           AND refresh_token IS NOT NULL
           AND expires_at < now() + CAST(:#windowSeconds AS integer) * interval '1 second'
           AND (lease_until IS NULL OR lease_until < now())
           AND (next_refresh_at IS NULL OR next_refresh_at <= now())
         ORDER BY expires_at
         LIMIT CAST(:#batch AS integer)
           FOR UPDATE SKIP LOCKED) due
 WHERE t.rep_id = due.rep_id
RETURNING t.rep_id, t.refresh_token, t.version, t.refresh_failures
