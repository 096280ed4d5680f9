-- POST /admin/do-not-call/imports: the checked rows as one JSON array, one statement. Listed numbers are left as
-- they are (reason and added_at), so importing the same file again changes nothing; the update count is what was added.
INSERT INTO do_not_call (number, reason)
SELECT r.number, r.reason
  FROM jsonb_to_recordset(CAST(:#rows AS jsonb)) AS r(number text, reason text)
ON CONFLICT (number) DO NOTHING
