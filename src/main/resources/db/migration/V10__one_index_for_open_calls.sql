-- calls_open_by_start (V7: ranks 0 to 3) covers every query calls_still_open (V2: ranks 1 to 3) served: the
-- sweep's stale-call scan reads it in started_at order and skips the few pending calls. One index less to write
-- on every click, whose outcome moves the call to rank 1.
-- DROP INDEX locks calls for an instant, but while it waits for that lock behind a longer transaction, every click
-- on the running instances queues behind it, and a click gives up after 1 s (lock_timeout of the requests pool).
-- So the drop gives up after 100 ms; DatabaseMigrations tries again in the background while the instances already
-- running keep serving. (Not CONCURRENTLY: that waits for other sessions' transactions, and deadlocks with a second
-- instance waiting for Flyway's lock.)
SET LOCAL lock_timeout = '100ms';
DROP INDEX IF EXISTS calls_still_open;
