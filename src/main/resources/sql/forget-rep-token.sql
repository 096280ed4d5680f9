-- Disconnect: the tokens are deleted, not just marked.
DELETE FROM dialpad_tokens WHERE rep_id = :#repId
