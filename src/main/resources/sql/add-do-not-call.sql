-- PUT /admin/do-not-call/{number}: adds the number, or sets the reason of a listed one (added_at stays).
INSERT INTO do_not_call (number, reason)
VALUES (:#number, CAST(:#reason AS text))
ON CONFLICT (number) DO UPDATE SET reason = EXCLUDED.reason
RETURNING number, reason, added_at, (xmax = 0) AS created
