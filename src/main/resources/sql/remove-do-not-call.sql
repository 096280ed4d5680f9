-- DELETE /admin/do-not-call/{number}; no row: the number was not listed (404).
DELETE FROM do_not_call
 WHERE number = :#number
RETURNING number
