-- The OAuth connect flow: one row per started connect, bound to the rep, used once, expiring.
CREATE TABLE oauth_states (
    state_hash     text        PRIMARY KEY,   -- SHA-256 of the state sent to Dialpad; the state itself is not kept
    rep_id         text        NOT NULL,
    code_verifier  text        NOT NULL,      -- PKCE verifier, encrypted like the tokens
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);

-- Refresh bookkeeping: transient failures back off instead of hammering Dialpad.
ALTER TABLE dialpad_tokens
    ADD COLUMN refresh_failures integer NOT NULL DEFAULT 0,
    ADD COLUMN next_refresh_at  timestamptz;

DROP INDEX dialpad_tokens_expiring;
CREATE INDEX dialpad_tokens_expiring ON dialpad_tokens (expires_at) WHERE status = 'active' AND refresh_token IS NOT NULL;
