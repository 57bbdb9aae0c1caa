-- Decisions on the matching engine's suggestions: a need's owner accepts a
-- suggested candidate (a docking record starts) or rejects it (it is not
-- suggested for that need again). One decision per need and candidate.
CREATE TABLE match_decisions (
	id INTEGER PRIMARY KEY,
	need_id INTEGER NOT NULL REFERENCES projects(id),
	candidate_id INTEGER NOT NULL REFERENCES organisations(id),
	decision TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	docking_id INTEGER REFERENCES projects(id),
	decided_by TEXT NOT NULL,
	decided_at TIMESTAMP NOT NULL,
	UNIQUE (need_id, candidate_id)
);
