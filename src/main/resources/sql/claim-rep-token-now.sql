-- A click needs this rep's token refreshed now (it has expired, or Dialpad answered 401). The lease makes it a
-- single flight across instances: whoever takes it refreshes; a click that cannot take it uses what is stored.
UPDATE dialpad_tokens
   SET lease_until = now() + interval '30 seconds'
 WHERE rep_id = :#repId
   AND status = 'active'
   AND refresh_token IS NOT NULL
   AND (lease_until IS NULL OR lease_until < now())
   AND (next_refresh_at IS NULL OR next_refresh_at <= now())   -- the token endpoint failed recently: not again yet
RETURNING rep_id, refresh_token, version, refresh_failures
