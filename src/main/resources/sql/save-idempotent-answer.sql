-- Keep the answer so a retry with the same key gets exactly it.
UPDATE idempotency_keys
   SET state = 'done', response_status = :#answerStatus, response_body = :#answerBody
 WHERE scope = :#scope AND idem_key = :#idemKey AND call_id = :#id
