-- Who placed the call: 'api' (this service asked Dialpad's API) or 'cti' (Dialpad's embedded dialer in the rep's
-- browser placed it, and the widget logged it here). Rows from before are all 'api'.
ALTER TABLE calls ADD COLUMN channel text NOT NULL DEFAULT 'api' CHECK (channel IN ('api', 'cti'));

-- A click the call policy refused is logged with status 'blocked' (final, like a fallback: nothing was dialled) and
-- the reason in fallback_reason. calls.status has no CHECK constraint (Dialpad's events add their own states), so
-- the value needs no schema change; this comment records that it exists.
COMMENT ON COLUMN calls.status IS
    'pending, initiated, unconfirmed, fallback, blocked (the call policy refused the number); then the states of Dialpad''s events; unknown when the sweep gave up';
