-- Remember a started connect: only the state's hash, the rep it belongs to and the (encrypted) PKCE verifier.
INSERT INTO oauth_states (state_hash, rep_id, code_verifier, expires_at)
VALUES (:#stateHash, :#repId, :#codeVerifier, :#expiresAt)
