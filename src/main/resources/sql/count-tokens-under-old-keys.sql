-- What a re-encrypt run left under an old key: rows whose refresh was in flight (call the endpoint again).
-- Rows that no key decrypts are counted apart: they are disconnected and wait for the rep to reconnect.
SELECT count(*) FILTER (WHERE last_error IS DISTINCT FROM 'undecryptable: reconnect Dialpad') AS in_refresh,
       count(*) FILTER (WHERE last_error = 'undecryptable: reconnect Dialpad') AS undecryptable
  FROM dialpad_tokens
 WHERE access_token NOT LIKE :#currentKeyPattern
    OR (refresh_token IS NOT NULL AND refresh_token NOT LIKE :#currentKeyPattern)
