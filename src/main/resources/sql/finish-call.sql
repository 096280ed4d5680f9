-- Record what Dialpad did with the call: 'initiated' with its call id, 'unconfirmed' (the request reached Dialpad
-- but no clear answer came: the phone may ring), or 'fallback' with the reason. Initiated and unconfirmed calls
-- stay open (rank 1) for Dialpad's events and the sweep; a fallback is final (rank 9).
-- A call event that arrived meanwhile (status_rank above 1) is not overwritten.
UPDATE calls
   SET status           = CASE WHEN status_rank <= 1 THEN :#status ELSE status END,
       status_rank      = GREATEST(status_rank, CASE WHEN CAST(:#status AS text) IN ('initiated', 'unconfirmed') THEN 1 ELSE 9 END),
       fallback_reason  = :#reason,
       fallback_detail  = :#detail,
       external_call_id = COALESCE(:#dialpadCallId, external_call_id),
       dialpad_status   = :#dialpadStatus,
       updated_at       = now()
 WHERE id = :#id
