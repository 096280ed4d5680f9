-- GET /admin/do-not-call: a page in number order after the previous page's last number (keyset, on the key).
SELECT number, reason, added_at
  FROM do_not_call
 WHERE CAST(:#after AS text) IS NULL OR number > CAST(:#after AS text)
 ORDER BY number
 LIMIT CAST(:#limitPlusOne AS integer)
