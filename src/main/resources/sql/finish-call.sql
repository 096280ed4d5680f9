-- Record what Dialpad did with the call: 'initiated' with its call id, or 'fallback' with the reason.
UPDATE calls
   SET status           = :#status,
       fallback_reason  = :#reason,
       fallback_detail  = :#detail,
       external_call_id = :#dialpadCallId,
       dialpad_status   = :#dialpadStatus,
       updated_at       = now()
 WHERE id = :#id
