-- The call a GET /calls cursor names: its start time orders the following page. No row: not a cursor of ours.
SELECT id, started_at
  FROM calls
 WHERE id = :#before
