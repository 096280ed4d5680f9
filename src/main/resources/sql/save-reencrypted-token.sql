-- Same tokens under the current key, only if the row is unchanged since it was read and no refresh has claimed it
-- in the meantime (the claim sets lease_until without changing the version).
UPDATE dialpad_tokens
   SET access_token = :#accessToken, refresh_token = :#refreshToken, version = version + 1, updated_at = now()
 WHERE rep_id = :#repId AND version = CAST(:#version AS bigint)
   AND (lease_until IS NULL OR lease_until < now())
