UPDATE dialpad_tokens
   SET access_token = :#accessToken, refresh_token = :#refreshToken, version = version + 1, updated_at = now()
 WHERE rep_id = :#repId AND version = CAST(:#version AS bigint)
