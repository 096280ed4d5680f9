-- Dialpad answered 429 for this rep: no call starts until its Retry-After (or 60 s) has passed.
INSERT INTO rep_call_budget AS b (rep_id, blocked_until)
VALUES (:#repId, now() + CAST(:#retryAfterSeconds AS integer) * interval '1 second')
ON CONFLICT (rep_id) DO UPDATE SET blocked_until = EXCLUDED.blocked_until
