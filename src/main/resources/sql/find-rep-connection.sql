SELECT status, dialpad_user_id, scope, expires_at, last_refreshed_at, last_error, access_token
  FROM dialpad_tokens
 WHERE rep_id = :#repId
