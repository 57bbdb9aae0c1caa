-- Child records (a challenge's bids, a support case's legs, a pilot's
-- assessments), watches on programs, and e-mail delivery of notices.
-- SQLite dialect; the PostgreSQL file differs only in types.

ALTER TABLE projects ADD COLUMN parent_id INTEGER REFERENCES projects(id);
ALTER TABLE projects ADD COLUMN child_kind TEXT NOT NULL DEFAULT '';
CREATE INDEX projects_parent ON projects(parent_id);

-- An organisation watching a program (or any program, key '') for new
-- calls, optionally only those whose name holds a keyword.
CREATE TABLE program_watches (
	id INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	program_key TEXT NOT NULL DEFAULT '',
	keyword TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	UNIQUE (organisation_id, program_key, keyword)
);

ALTER TABLE notifications ADD COLUMN emailed_at TIMESTAMP;
