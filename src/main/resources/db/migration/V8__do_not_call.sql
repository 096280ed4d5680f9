-- The company's do-not-call list: numbers (E.164) no click may reach, shared by every instance.
CREATE TABLE do_not_call (
    number    text        PRIMARY KEY CHECK (number ~ '^\+[1-9][0-9]{1,14}$'),
    reason    text        CHECK (length(reason) <= 200),   -- why (a complaint, a request, a regulator's list)
    added_at  timestamptz NOT NULL DEFAULT now()
);

-- POST /calls/{id}/hangup: when the CRM asked Dialpad to hang up; the call's status still comes from Dialpad's events.
ALTER TABLE calls ADD COLUMN hangup_requested_at timestamptz;
