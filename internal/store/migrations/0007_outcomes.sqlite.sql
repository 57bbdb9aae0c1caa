-- Milestones and outcomes of projects: milestones reached, technical
-- problems (open or solved, by technology field), patents, products,
-- standards and evaluations with their level (国际领先, 国际先进…).
-- SQLite dialect; the PostgreSQL file differs only in types.

CREATE TABLE project_outcomes (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id),
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	field TEXT NOT NULL DEFAULT '',
	level TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT '',
	day TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	created_by TEXT NOT NULL
);
CREATE INDEX project_outcomes_project ON project_outcomes(project_id);
CREATE INDEX project_outcomes_kind_day ON project_outcomes(kind, day);
