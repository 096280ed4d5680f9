-- Store (or replace) a rep's imported Dialpad connection; tokens arrive already encrypted.
INSERT INTO dialpad_tokens (rep_id, dialpad_user_id, access_token, refresh_token, expires_at, scope, status,
                            outbound_caller_id, device_id, last_error, updated_at)
VALUES (:#repId, :#dialpadUserId, :#accessToken, :#refreshToken, :#expiresAt, :#scope, 'active',
        :#outboundCallerId, :#deviceId, NULL, now())
ON CONFLICT (rep_id) DO UPDATE
   SET dialpad_user_id    = EXCLUDED.dialpad_user_id,
       access_token       = EXCLUDED.access_token,
       refresh_token      = EXCLUDED.refresh_token,
       expires_at         = EXCLUDED.expires_at,
       scope              = EXCLUDED.scope,
       status             = 'active',
       outbound_caller_id = EXCLUDED.outbound_caller_id,
       device_id          = EXCLUDED.device_id,
       last_error         = NULL,
       version            = dialpad_tokens.version + 1,
       updated_at         = now()
