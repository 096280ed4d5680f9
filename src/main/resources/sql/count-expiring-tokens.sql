SELECT count(*) FROM dialpad_tokens
 WHERE status = 'active' AND expires_at < now() + CAST(:#windowSeconds AS integer) * interval '1 second'
