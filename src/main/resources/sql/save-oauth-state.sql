-- Remember a started connect: only the state's hash, the rep it belongs to, the (encrypted) PKCE verifier and the
-- e-mail the CRM expects the rep's Dialpad account to have (or NULL).
INSERT INTO oauth_states (state_hash, rep_id, code_verifier, expires_at, expected_email)
VALUES (:#stateHash, :#repId, :#codeVerifier, :#expiresAt, :#expectedEmail)
