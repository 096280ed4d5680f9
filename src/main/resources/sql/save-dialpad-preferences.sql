-- PUT /reps/{rep_id}/dialpad/preferences: the caller id and device the rep's calls use (checked against Dialpad first).
UPDATE dialpad_tokens
   SET outbound_caller_id = CAST(:#outboundCallerId AS text), device_id = CAST(:#deviceId AS text), updated_at = now()
 WHERE rep_id = :#repId AND status <> 'disconnected'
RETURNING rep_id
