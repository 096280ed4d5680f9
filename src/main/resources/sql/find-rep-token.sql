-- The rep's Dialpad identity and (encrypted) access token; no row when the rep never connected or disconnected.
SELECT dialpad_user_id, access_token, outbound_caller_id, device_id, expires_at
  FROM dialpad_tokens
 WHERE rep_id = :#repId
   AND status <> 'disconnected'
