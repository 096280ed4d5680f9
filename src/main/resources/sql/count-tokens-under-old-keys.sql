-- What a re-encrypt run left under an old key: rows whose refresh was in flight (call the endpoint again).
SELECT count(*)
  FROM dialpad_tokens
 WHERE access_token NOT LIKE :#currentKeyPattern
    OR (refresh_token IS NOT NULL AND refresh_token NOT LIKE :#currentKeyPattern)
