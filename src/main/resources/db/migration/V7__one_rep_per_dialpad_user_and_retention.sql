-- One Dialpad user is connected to at most one rep. Otherwise a rep's connect link opened by someone else binds
-- that person's Dialpad account to the rep, and clicks of the rep ring the other person's phone.

-- The CRM may name the rep's e-mail when it starts a connect; the callback checks it against users/me.
ALTER TABLE oauth_states ADD COLUMN expected_email text;

-- Rows that already share a Dialpad user cannot tell which rep is the real owner: all of them must reconnect
-- (the real owner then succeeds, anyone else is refused with dialpad_user_in_use).
UPDATE dialpad_tokens t
   SET status = 'disconnected', last_error = 'dialpad_user_in_use: reconnect Dialpad', lease_until = NULL,
       version = version + 1, updated_at = now()
 WHERE t.status = 'active'
   AND EXISTS (SELECT 1 FROM dialpad_tokens o
                WHERE o.dialpad_user_id = t.dialpad_user_id AND o.status = 'active' AND o.rep_id <> t.rep_id);

-- Enforced by the database, so two callbacks at the same moment cannot both win: the second gets a unique
-- violation, which the connect flow answers with dialpad_user_in_use and the token import with a 409.
CREATE UNIQUE INDEX dialpad_tokens_one_rep_per_user ON dialpad_tokens (dialpad_user_id) WHERE status = 'active';

-- Every periodic statement reads through an index, so its cost follows what it has to do, not the table size.
-- The give-up sweep (give-up-on-calls.sql) looks at open calls including 'pending' (rank 0), which the partial
-- index of V2 (ranks 1 to 3) does not cover: it read the whole calls table every minute.
CREATE INDEX calls_open_by_start ON calls (started_at) WHERE status_rank BETWEEN 0 AND 3;
-- Retention (routes/retention.yaml): the oldest events, and the oldest unmatched (company-wide) events.
CREATE INDEX call_events_by_received ON call_events (received_at);
CREATE INDEX call_events_unmatched_by_received ON call_events (received_at) WHERE call_ref IS NULL;
-- forget-expired-guards.sql deletes expired click slots every minute.
CREATE INDEX recent_clicks_expiry ON recent_clicks (expires_at);
-- count-expiring-tokens.sql counts active tokens by expiry (V5's index also requires a refresh token).
CREATE INDEX dialpad_tokens_active_expiry ON dialpad_tokens (expires_at) WHERE status = 'active';
