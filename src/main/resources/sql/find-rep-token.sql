-- The rep's Dialpad identity and (encrypted) access token. No row: never connected; status 'disconnected': the
-- rep must reconnect (revoked or disconnected).
SELECT dialpad_user_id, access_token, outbound_caller_id, device_id, expires_at, status,
       refresh_token IS NOT NULL AS refreshable
  FROM dialpad_tokens
 WHERE rep_id = :#repId
