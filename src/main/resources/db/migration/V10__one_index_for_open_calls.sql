-- calls_open_by_start (V7: ranks 0 to 3) covers every query calls_still_open (V2: ranks 1 to 3) served: the
-- sweep's stale-call scan reads it in started_at order and skips the few pending calls. One index less to write
-- on every click, whose outcome moves the call to rank 1.
DROP INDEX IF EXISTS calls_still_open;
