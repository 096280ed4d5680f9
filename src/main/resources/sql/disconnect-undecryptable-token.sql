-- Re-encryption found a token no key of this instance decrypts (encrypted under a key older than the previous one,
-- or copied from another rep's row): nothing can use it, so the rep must reconnect. The row then leaves the
-- re-encryption's work list (find-tokens-under-old-keys.sql), so one bad row never blocks the others.
UPDATE dialpad_tokens
   SET status = 'disconnected', last_error = 'undecryptable: reconnect Dialpad', lease_until = NULL,
       version = version + 1, updated_at = now()
 WHERE rep_id = :#repId AND version = CAST(:#version AS bigint)
