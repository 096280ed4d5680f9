-- The rows of every call followed live on this instance, in one statement per poll (ids: a uuid[] literal).
SELECT id, status, status_rank, duration_ms
  FROM calls
 WHERE id = ANY (CAST(:#ids AS uuid[]))
