-- New access + refresh token together, only if nobody changed the row since it was claimed (version check).
UPDATE dialpad_tokens
   SET access_token = :#accessToken, refresh_token = :#refreshToken, expires_at = :#expiresAt, scope = :#scope,
       last_refreshed_at = now(), last_error = NULL, refresh_failures = 0, next_refresh_at = NULL,
       lease_until = NULL, version = version + 1, updated_at = now()
 WHERE rep_id = :#repId AND version = CAST(:#version AS bigint)
