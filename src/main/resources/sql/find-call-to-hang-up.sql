-- POST /calls/{id}/hangup: the call, how far it got, and its rep's (encrypted) token: Dialpad is asked as the rep.
SELECT c.id, c.rep_id, c.status, c.status_rank, c.external_call_id, t.access_token
  FROM calls c
  LEFT JOIN dialpad_tokens t ON t.rep_id = c.rep_id AND t.status <> 'disconnected'
 WHERE c.id = :#id
