-- GET /calls/{id}/events: the call a stream is opened for, with its rep (a widget token sees its own rep's only).
SELECT id, rep_id, status, status_rank, duration_ms
  FROM calls
 WHERE id = :#id
