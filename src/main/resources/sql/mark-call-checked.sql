UPDATE calls SET last_checked_at = now() WHERE id = :#id
