-- The start of a click, in one statement (one round trip, one commit), each step only if the one before allows:
--   1. claim the duplicate-click slot for (rep, number): one open slot per pair for the window; skipped when the
--      window is 0 or the request came with an Idempotency-Key. A slot whose call ended as a tel: fallback or was
--      blocked (nothing was dialled: not connected, no call start left, Dialpad refused or unreachable, the call
--      policy refused) is free again at once, so a retry is a new attempt instead of "already calling"
--   2. look the number up in the do-not-call list (the only fact of the call policy the database holds; the route
--      decides with it, callPolicy.decide): a listed number is never dialled, so steps 4 and 5 are skipped
--   3. read the rep's Dialpad token (encrypted; no row = never connected, 'disconnected' = must reconnect)
--   4. spend one of the rep's call starts (Dialpad allows budgetCalls per budgetPeriodSeconds per user; the
--      newest starts are kept newest first, and the ON CONFLICT row lock queues concurrent clicks on any instance)
--   5. log the call as 'pending', before Dialpad is asked; a click whose call Dialpad's embedded dialer places
--      (channel 'cti') needs neither a token nor a call start, so it is logged whenever the number is not listed
-- Always one row back. fresh = false: an identical click holds the slot (duplicate_id is its call when this
-- statement's snapshot could see it; else find-duplicate-click.sql reads it). do_not_call / has_token / budget_ok
-- / logged tell the route what is left: the rarer outcomes (blocked before logging, not connected, budget spent)
-- are logged by insert-call.sql.
WITH click AS (
    INSERT INTO recent_clicks AS c (rep_id, to_number, call_id, expires_at)
    SELECT :#repId, :#toNumber, :#id,
           now() + CAST(:#clickWindowMillis AS integer) * interval '1 millisecond'
     WHERE CAST(:#clickWindowMillis AS integer) > 0
    ON CONFLICT (rep_id, to_number) DO UPDATE
       SET call_id = EXCLUDED.call_id, expires_at = EXCLUDED.expires_at
     WHERE c.expires_at <= now()
        OR EXISTS (SELECT 1 FROM calls f WHERE f.id = c.call_id AND f.status IN ('fallback', 'blocked'))
    RETURNING call_id
), go AS (
    SELECT CAST(:#clickWindowMillis AS integer) <= 0 OR EXISTS (SELECT 1 FROM click) AS fresh
), listed AS (
    SELECT EXISTS (SELECT 1 FROM do_not_call WHERE number = :#toNumber) AS on_list
), token AS (
    SELECT t.dialpad_user_id, t.access_token, t.outbound_caller_id, t.device_id, t.expires_at, t.status,
           t.refresh_token IS NOT NULL AS refreshable
      FROM dialpad_tokens t, go
     WHERE t.rep_id = :#repId AND go.fresh
), budget AS (
    INSERT INTO rep_call_budget AS b (rep_id, starts)
    SELECT :#repId, ARRAY[now()]
      FROM token, listed
     WHERE token.status <> 'disconnected' AND CAST(:#budgetCalls AS integer) > 0 AND NOT listed.on_list
    ON CONFLICT (rep_id) DO UPDATE
       SET starts = (ARRAY[now()] || b.starts)[1:CAST(:#budgetCalls AS integer)]
     WHERE (b.blocked_until IS NULL OR b.blocked_until <= now())
       AND (cardinality(b.starts) < CAST(:#budgetCalls AS integer)
            OR b.starts[CAST(:#budgetCalls AS integer)]
               <= now() - CAST(:#budgetPeriodSeconds AS integer) * interval '1 second')
    RETURNING rep_id
), may_dial AS (
    SELECT token.dialpad_user_id
      FROM token
     WHERE token.status <> 'disconnected'
       AND (CAST(:#budgetCalls AS integer) <= 0 OR EXISTS (SELECT 1 FROM budget))
), logged AS (
    INSERT INTO calls (id, to_number, status, status_rank, rep_id, dialpad_user_id,
                       related_contact_id, related_deal_id, external_id, channel)
    SELECT :#id, :#toNumber, 'pending', 0, :#repId, (SELECT dialpad_user_id FROM may_dial),
           :#contactId, :#dealId, :#externalId, :#channel
      FROM go, listed
     WHERE go.fresh AND NOT listed.on_list
       AND (EXISTS (SELECT 1 FROM may_dial) OR CAST(:#channel AS text) = 'cti')
    RETURNING id
)
SELECT go.fresh, listed.on_list AS do_not_call,
       dup.call_id AS duplicate_id, dup_call.status AS duplicate_status,
       dup_call.fallback_reason AS duplicate_fallback_reason, dup_call.fallback_detail AS duplicate_fallback_detail,
       dup_call.external_call_id AS duplicate_external_call_id, dup_call.channel AS duplicate_channel,
       token.dialpad_user_id IS NOT NULL AS has_token,
       token.dialpad_user_id, token.access_token, token.outbound_caller_id, token.device_id, token.expires_at,
       token.status, token.refreshable,
       EXISTS (SELECT 1 FROM may_dial) AS budget_ok,
       EXISTS (SELECT 1 FROM logged) AS logged
  FROM go
 CROSS JOIN listed
  LEFT JOIN token ON true
  LEFT JOIN recent_clicks dup ON NOT go.fresh AND dup.rep_id = :#repId AND dup.to_number = :#toNumber
  LEFT JOIN calls dup_call ON dup_call.id = dup.call_id
