-- The call policy refused a click start-click.sql had already logged as pending (outside calling hours, or a
-- destination not allowed: facts the database does not hold): the row becomes 'blocked' (final, rank 9, like a
-- fallback: nothing was dialled) with the reason, and the call start it spent is given back, since Dialpad was
-- never asked. The start is the row's started_at: both are the same statement's now().
WITH blocked AS (
    UPDATE calls
       SET status = 'blocked', status_rank = 9, fallback_reason = :#reason, fallback_detail = :#detail,
           updated_at = now()
     WHERE id = :#id AND status = 'pending'
    RETURNING rep_id, started_at
)
UPDATE rep_call_budget b
   SET starts = array_remove(b.starts, blocked.started_at)
  FROM blocked
 WHERE b.rep_id = blocked.rep_id
