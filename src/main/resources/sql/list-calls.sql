-- Calls for the CRM, newest first. Every filter is optional; "before" is the last id of the previous page and
-- "beforeAt" its start time (looked up first, so a cursor that names no call is a 400, not an empty page).
SELECT id, direction, to_number, status, fallback_reason, started_at, rep_id, dialpad_user_id,
       related_contact_id, related_deal_id, external_id, external_call_id, answered_at, ended_at, duration_ms,
       recording_url, updated_at, channel
  FROM calls
 WHERE (CAST(:#repId AS text) IS NULL OR rep_id = CAST(:#repId AS text))
   AND (CAST(:#contactId AS text) IS NULL OR related_contact_id = CAST(:#contactId AS text))
   AND (CAST(:#dealId AS text) IS NULL OR related_deal_id = CAST(:#dealId AS text))
   AND (CAST(:#since AS timestamptz) IS NULL OR started_at >= CAST(:#since AS timestamptz))
   AND (CAST(:#before AS uuid) IS NULL
        OR (started_at, id) < (CAST(:#beforeAt AS timestamptz), CAST(:#before AS uuid)))
 ORDER BY started_at DESC, id DESC
 LIMIT CAST(:#limitPlusOne AS integer)
