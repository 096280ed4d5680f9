-- A rep connected Dialpad (or reconnected): store the new tokens, encrypted, and clear past failures.
INSERT INTO dialpad_tokens (rep_id, dialpad_user_id, access_token, refresh_token, expires_at, scope, status,
                            last_refreshed_at, last_error, refresh_failures, next_refresh_at, updated_at)
VALUES (:#repId, :#dialpadUserId, :#accessToken, :#refreshToken, :#expiresAt, :#scope, 'active',
        now(), NULL, 0, NULL, now())
ON CONFLICT (rep_id) DO UPDATE
   SET dialpad_user_id   = EXCLUDED.dialpad_user_id,
       access_token      = EXCLUDED.access_token,
       refresh_token     = EXCLUDED.refresh_token,
       expires_at        = EXCLUDED.expires_at,
       scope             = EXCLUDED.scope,
       status            = 'active',
       last_refreshed_at = now(),
       last_error        = NULL,
       refresh_failures  = 0,
       next_refresh_at   = NULL,
       lease_until       = NULL,
       version           = dialpad_tokens.version + 1,
       updated_at        = now()
