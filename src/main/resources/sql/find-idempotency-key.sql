SELECT request_hash, state, response_status, response_body, call_id
  FROM idempotency_keys
 WHERE scope = :#scope AND idem_key = :#idemKey
