-- Research integrity (科研诚信): sanctions on people and organisations, by
-- scope (applying, reviewing, awards) and period, from this bureau's
-- decisions or imported national and provincial lists, with appeals; a
-- watch list warns without blocking. Qualifications get an end of
-- validity (a high-tech certificate runs three years), apart from a
-- revocation.
CREATE TABLE sanctions (
	id INTEGER PRIMARY KEY,
	subject TEXT NOT NULL, -- person, organisation
	subject_id INTEGER NOT NULL,
	misconduct TEXT NOT NULL,
	scopes TEXT NOT NULL, -- apply, review, award, separated by ','
	starts TEXT NOT NULL, -- YYYY-MM-DD
	ends TEXT NOT NULL DEFAULT '', -- the last day in force; '' while indefinite
	source TEXT NOT NULL, -- bureau, provincial, national
	decision TEXT NOT NULL DEFAULT '', -- the decision's reference (文号)
	reason TEXT NOT NULL DEFAULT '',
	appeal TEXT NOT NULL DEFAULT '', -- '', pending, upheld, overturned
	watch BOOLEAN NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sanctions_subject ON sanctions(subject, subject_id);
ALTER TABLE recognitions ADD COLUMN valid_until TEXT NOT NULL DEFAULT '';
