-- invalid_grant: the refresh token was revoked, reused or has expired. The rep must reconnect; stop retrying.
UPDATE dialpad_tokens
   SET status = 'disconnected', last_error = 'invalid_grant: reconnect Dialpad', lease_until = NULL,
       version = version + 1, updated_at = now()
 WHERE rep_id = :#repId AND version = CAST(:#version AS bigint)
