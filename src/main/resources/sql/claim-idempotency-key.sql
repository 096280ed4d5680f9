-- Claim (API key, Idempotency-Key) for this request. An expired entry is forgotten, and a claim still in flight
-- after 60 s was abandoned (its instance died), so both can be taken over. A row comes back only when this
-- request now owns the key.
INSERT INTO idempotency_keys AS k (scope, idem_key, request_hash, state, call_id, claimed_at, expires_at)
VALUES (:#scope, :#idemKey, :#requestHash, 'in_flight', :#id, now(),
        now() + CAST(:#idemTtlSeconds AS integer) * interval '1 second')
ON CONFLICT (scope, idem_key) DO UPDATE
   SET request_hash = EXCLUDED.request_hash, state = 'in_flight', response_status = NULL, response_body = NULL,
       call_id = EXCLUDED.call_id, claimed_at = now(), expires_at = EXCLUDED.expires_at
 WHERE k.expires_at <= now()
    OR (k.state = 'in_flight' AND k.claimed_at <= now() - interval '60 seconds'
        AND k.request_hash = EXCLUDED.request_hash)
RETURNING call_id
