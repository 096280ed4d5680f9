-- The key another request holds, with the call it is bound to: a stored answer to replay, or, when the answer was
-- never saved, the call's row to answer from (abandoned = the claim is older than the takeover period).
SELECT k.request_hash, k.state, k.response_status, k.response_body, k.call_id AS id,
       c.id IS NOT NULL AS logged, c.status, c.fallback_reason, c.fallback_detail, c.external_call_id, c.channel,
       k.claimed_at <= now() - CAST(:#idemTakeoverSeconds AS integer) * interval '1 second' AS abandoned
  FROM idempotency_keys k
  LEFT JOIN calls c ON c.id = k.call_id
 WHERE k.scope = :#scope AND k.idem_key = :#idemKey
