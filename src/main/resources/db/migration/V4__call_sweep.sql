-- The sweep asks Dialpad about calls whose events stopped; this keeps it from asking about the same call every run.
ALTER TABLE calls ADD COLUMN last_checked_at timestamptz;
