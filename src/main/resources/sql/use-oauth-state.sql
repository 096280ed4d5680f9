-- Use a state exactly once: unknown, already used or expired states return no row.
UPDATE oauth_states
   SET used_at = now()
 WHERE state_hash = :#stateHash
   AND used_at IS NULL
   AND expires_at > now()
RETURNING rep_id, code_verifier, expected_email
