-- After the reply the member has a window of working days to rate it
-- (about 15); a reply unrated past it is marked for the office to follow up.
ALTER TABLE proposal_rules ADD COLUMN feedback_days INTEGER NOT NULL DEFAULT 15;
