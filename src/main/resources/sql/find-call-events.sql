-- The call's timeline: Dialpad's events in the order they happened.
SELECT state, COALESCE(event_at, received_at) AS at
  FROM call_events
 WHERE call_ref = :#id
 ORDER BY COALESCE(event_at, received_at), id
