-- Dialpad accepted the hang-up: noted on the call; its status still moves only with Dialpad's events.
UPDATE calls
   SET hangup_requested_at = now(), updated_at = now()
 WHERE id = :#id
RETURNING hangup_requested_at
