-- Rows with a token not yet encrypted under the current key, a batch at a time. A row whose refresh is in flight
-- (live lease) is left alone: rewriting it would bump its version, the refresh's version-checked save would then
-- fail and the rotated refresh token Dialpad just issued would be lost. The refresh saves under the current key.
-- A row found undecryptable (disconnect-undecryptable-token.sql) is not tried again.
SELECT rep_id, access_token, refresh_token, version
  FROM dialpad_tokens
 WHERE (access_token NOT LIKE :#currentKeyPattern
        OR (refresh_token IS NOT NULL AND refresh_token NOT LIKE :#currentKeyPattern))
   AND (lease_until IS NULL OR lease_until < now())
   AND last_error IS DISTINCT FROM 'undecryptable: reconnect Dialpad'
 LIMIT 200
