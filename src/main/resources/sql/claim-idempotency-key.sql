-- Claim (API key, Idempotency-Key) for this request, binding the key to this request's call id before anything
-- else happens. An expired entry is forgotten. A claim still in flight after the takeover period was abandoned
-- (its instance died, or its answer could not be saved) and may be taken over only while its call was never
-- logged: the calls row is written before Dialpad is asked, so a key whose call has a row may have reached
-- Dialpad and never reaches it again (find-idempotency-key.sql answers from that row instead).
-- A row comes back only when this request now owns the key.
INSERT INTO idempotency_keys AS k (scope, idem_key, request_hash, state, call_id, claimed_at, expires_at)
VALUES (:#scope, :#idemKey, :#requestHash, 'in_flight', :#id, now(),
        now() + CAST(:#idemTtlSeconds AS integer) * interval '1 second')
ON CONFLICT (scope, idem_key) DO UPDATE
   SET request_hash = EXCLUDED.request_hash, state = 'in_flight', response_status = NULL, response_body = NULL,
       call_id = EXCLUDED.call_id, claimed_at = now(), expires_at = EXCLUDED.expires_at
 WHERE k.expires_at <= now()
    OR (k.state = 'in_flight'
        AND k.claimed_at <= now() - CAST(:#idemTakeoverSeconds AS integer) * interval '1 second'
        AND k.request_hash = EXCLUDED.request_hash
        AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.id = k.call_id))
RETURNING call_id
