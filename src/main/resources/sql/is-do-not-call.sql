-- Whether a number (E.164) is on the do-not-call list: one boolean column (SelectOne gives the Boolean itself),
-- which the click passes to callPolicy.decide.
SELECT EXISTS (SELECT 1 FROM do_not_call WHERE number = :#number) AS listed
