-- Reps' Dialpad tokens: one row per CRM rep. Token columns hold AES-256-GCM ciphertext
-- ("<key id>:<base64 nonce+ciphertext>"), never plaintext.
CREATE TABLE dialpad_tokens (
    rep_id             text        PRIMARY KEY,
    dialpad_user_id    text        NOT NULL,           -- int64 in Dialpad's API; kept as text as Dialpad sends it
    access_token       text        NOT NULL,
    refresh_token      text,
    expires_at         timestamptz,
    scope              text,
    status             text        NOT NULL DEFAULT 'active'
                                   CHECK (status IN ('active', 'expired', 'disconnected')),
    outbound_caller_id text,                            -- optional caller id the callee sees
    device_id          text,                            -- optional: ring only this device
    last_refreshed_at  timestamptz,
    last_error         text,
    version            bigint      NOT NULL DEFAULT 0,  -- optimistic check when a refresh rotates tokens
    lease_until        timestamptz,                     -- which instance may refresh this row right now
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX dialpad_tokens_expiring ON dialpad_tokens (expires_at) WHERE status = 'active';

-- One row per accepted POST /calls, written before Dialpad is asked, so nothing is dialled unlogged.
CREATE TABLE calls (
    id                 uuid        PRIMARY KEY,
    direction          text        NOT NULL DEFAULT 'outbound',
    to_number          text        NOT NULL,           -- E.164
    status             text        NOT NULL,           -- pending, initiated, fallback (events add more later)
    fallback_reason    text,                           -- why the rep got a tel: link instead
    fallback_detail    text,                           -- what Dialpad said, or which failure it was (no secrets)
    started_at         timestamptz NOT NULL DEFAULT now(),
    rep_id             text        NOT NULL,
    dialpad_user_id    text,
    related_contact_id text,
    related_deal_id    text,
    external_id        text,                           -- the CRM's own reference
    external_call_id   text,                           -- Dialpad's call_id
    dialpad_status     integer,                        -- HTTP status of Dialpad's answer, when there was one
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX calls_by_rep ON calls (rep_id, started_at DESC);
-- Not unique: matching Dialpad events needs the lookup, but a repeated id from Dialpad must never stop a call
-- from being logged.
CREATE INDEX calls_by_dialpad_call_id ON calls (external_call_id) WHERE external_call_id IS NOT NULL;
