-- Programs: published template versions, calls (批次), projects and their
-- stage history. A project's stage changes only with an event row beside it,
-- in one transaction; events are never updated. SQLite dialect; the
-- PostgreSQL file differs only in identity columns and TIMESTAMPTZ/DOUBLE
-- PRECISION types.

CREATE TABLE program_templates (
	id INTEGER PRIMARY KEY,
	key TEXT NOT NULL,
	version INTEGER NOT NULL,
	name TEXT NOT NULL,
	source TEXT NOT NULL,
	published_at TIMESTAMP NOT NULL,
	published_by TEXT NOT NULL,
	UNIQUE (key, version)
);

CREATE TABLE calls (
	id INTEGER PRIMARY KEY,
	template_id INTEGER NOT NULL REFERENCES program_templates(id),
	key TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	opens TEXT NOT NULL,
	closes TEXT NOT NULL,
	quota INTEGER NOT NULL DEFAULT 0,
	budget REAL NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL
);

CREATE TABLE projects (
	id INTEGER PRIMARY KEY,
	call_id INTEGER NOT NULL REFERENCES calls(id),
	template_id INTEGER NOT NULL REFERENCES program_templates(id),
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	title TEXT NOT NULL DEFAULT '',
	stage TEXT NOT NULL,
	data TEXT NOT NULL DEFAULT '{}',
	amount_requested REAL NOT NULL DEFAULT 0,
	amount_approved REAL NOT NULL DEFAULT 0,
	amount_disbursed REAL NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX projects_call_stage ON projects(call_id, stage);
CREATE INDEX projects_organisation ON projects(organisation_id);

CREATE TABLE project_events (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id),
	transition TEXT NOT NULL,
	from_stage TEXT NOT NULL,
	to_stage TEXT NOT NULL,
	at TIMESTAMP NOT NULL,
	actor_id INTEGER,
	actor TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX project_events_project ON project_events(project_id, id);
CREATE INDEX project_events_stage_at ON project_events(to_stage, at);
