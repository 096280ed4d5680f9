-- The call an identical click within the window created (its row may not be written yet).
SELECT r.call_id AS id, c.status, c.fallback_reason, c.fallback_detail, c.external_call_id, c.channel
  FROM recent_clicks r
  LEFT JOIN calls c ON c.id = r.call_id
 WHERE r.rep_id = :#repId AND r.to_number = :#toNumber
