-- Rows with a token not yet encrypted under the current key, a batch at a time.
SELECT rep_id, access_token, refresh_token, version
  FROM dialpad_tokens
 WHERE access_token NOT LIKE :#currentKeyPattern
    OR (refresh_token IS NOT NULL AND refresh_token NOT LIKE :#currentKeyPattern)
 LIMIT 200
