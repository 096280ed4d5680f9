-- One open slot per (rep, number) for the duplicate-click window. A row comes back when this click owns the
-- slot (new, or the previous one expired); none when an identical click is still within the window.
INSERT INTO recent_clicks AS c (rep_id, to_number, call_id, expires_at)
VALUES (:#repId, :#toNumber, :#id, now() + CAST(:#duplicateWindowMillis AS integer) * interval '1 millisecond')
ON CONFLICT (rep_id, to_number) DO UPDATE
   SET call_id = EXCLUDED.call_id, expires_at = EXCLUDED.expires_at
 WHERE c.expires_at <= now()
RETURNING call_id
