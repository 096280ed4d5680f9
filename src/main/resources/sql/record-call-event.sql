-- Store a Dialpad call event once and move its call along, in one statement (both or neither).
-- (dialpad_call_id, state) makes a repeated delivery a no-op; status_rank means a late event never moves a call
-- backwards; tel: fallbacks (rank 9: nothing was dialled) are never touched, while 'unconfirmed' calls (rank 1:
-- Dialpad timed out or answered 5xx after receiving the request) are moved like initiated ones.
-- An event for an unknown call is stored and changes nothing.
WITH target AS (
    SELECT id
      FROM calls
     WHERE external_call_id = :#callId OR id = CAST(:#callRef AS uuid)
     ORDER BY (id = CAST(:#callRef AS uuid)) IS TRUE DESC   -- our own id in custom_data is the surest match
     LIMIT 1
), stored AS (
    INSERT INTO call_events (dialpad_call_id, state, call_ref, custom_data, event_at, payload)
    VALUES (:#callId, :#state, (SELECT id FROM target), :#customData, :#eventAt, CAST(:#payload AS jsonb))
    ON CONFLICT (dialpad_call_id, state) DO NOTHING
    RETURNING call_ref
), moved AS (
    UPDATE calls c
       SET status           = CASE WHEN c.status_rank < CAST(:#rank AS integer) THEN CAST(:#status AS text) ELSE c.status END,
           status_rank      = GREATEST(c.status_rank, CAST(:#rank AS integer)),
           external_call_id = COALESCE(c.external_call_id, :#callId),
           answered_at      = COALESCE(c.answered_at, :#answeredAt),
           ended_at         = COALESCE(c.ended_at, :#endedAt),
           duration_ms      = COALESCE(:#durationMs, c.duration_ms),
           recording_url    = COALESCE(:#recordingUrl, c.recording_url),
           updated_at       = now()
      FROM stored
     WHERE c.id = stored.call_ref
       AND c.status_rank < 9
    RETURNING c.id
)
SELECT (SELECT count(*) FROM stored) AS stored, (SELECT count(*) FROM moved) AS applied
