-- Log a call start-click.sql did not log: there is nothing to dial with ('fallback'), or the call policy refused
-- the number ('blocked'); both final (rank 9).
INSERT INTO calls (id, to_number, status, status_rank, fallback_reason, fallback_detail, rep_id, dialpad_user_id,
                   related_contact_id, related_deal_id, external_id, channel)
VALUES (:#id, :#toNumber, :#status, CASE CAST(:#status AS text) WHEN 'pending' THEN 0 ELSE 9 END,
        :#reason, :#detail, :#repId, :#dialpadUserId, :#contactId, :#dealId, :#externalId, :#channel)
