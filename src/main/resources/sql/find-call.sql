SELECT id, direction, to_number, status, fallback_reason, started_at, rep_id, dialpad_user_id,
       related_contact_id, related_deal_id, external_id, external_call_id, answered_at, ended_at, duration_ms,
       recording_url, updated_at, channel
  FROM calls
 WHERE id = :#id
