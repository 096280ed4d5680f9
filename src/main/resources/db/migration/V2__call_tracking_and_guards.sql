-- Call tracking: Dialpad's call events move a call along, never backwards.
ALTER TABLE calls
    ADD COLUMN status_rank    smallint NOT NULL DEFAULT 0,  -- order of statuses; an event only moves a call to a higher rank
    ADD COLUMN answered_at    timestamptz,
    ADD COLUMN ended_at       timestamptz,
    ADD COLUMN duration_ms    bigint,
    ADD COLUMN recording_url  text;

UPDATE calls SET status_rank = CASE status WHEN 'pending' THEN 0 WHEN 'initiated' THEN 1 ELSE 9 END;

CREATE INDEX calls_by_contact ON calls (related_contact_id, started_at DESC) WHERE related_contact_id IS NOT NULL;
CREATE INDEX calls_by_deal    ON calls (related_deal_id, started_at DESC)    WHERE related_deal_id IS NOT NULL;
CREATE INDEX calls_by_time    ON calls (started_at DESC, id DESC);
CREATE INDEX calls_still_open ON calls (started_at) WHERE status_rank BETWEEN 1 AND 3;

-- Every event Dialpad sent, as received; (call_id, state) makes a repeated delivery a no-op.
CREATE TABLE call_events (
    id           bigserial   PRIMARY KEY,
    dialpad_call_id text     NOT NULL,
    state        text        NOT NULL,
    call_ref     uuid,                   -- our calls.id when the event matched a call
    custom_data  text,
    event_at     timestamptz,            -- Dialpad's event_timestamp
    payload      jsonb       NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (dialpad_call_id, state)
);
CREATE INDEX call_events_by_call ON call_events (call_ref, received_at) WHERE call_ref IS NOT NULL;

-- Idempotency-Key: the first answer for (API key, Idempotency-Key) is kept 24 h and replayed.
CREATE TABLE idempotency_keys (
    scope          text        NOT NULL,   -- SHA-256 of the API key the request came with
    idem_key       text        NOT NULL,
    request_hash   text        NOT NULL,   -- SHA-256 of the normalised request
    state          text        NOT NULL CHECK (state IN ('in_flight', 'done')),
    response_status integer,
    response_body  text,
    call_id        uuid,
    claimed_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Duplicate clicks without a key: one open slot per (rep, number) for a short window.
CREATE TABLE recent_clicks (
    rep_id      text        NOT NULL,
    to_number   text        NOT NULL,
    call_id     uuid        NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (rep_id, to_number)
);

-- Dialpad allows 5 call starts per minute per user: the newest starts per rep, and a block after a 429.
CREATE TABLE rep_call_budget (
    rep_id         text          PRIMARY KEY,
    starts         timestamptz[] NOT NULL DEFAULT '{}',   -- newest first, at most the limit
    blocked_until  timestamptz
);
