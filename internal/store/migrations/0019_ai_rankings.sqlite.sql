-- AI elements catalogued beside compute: data sets and models with their
-- owners, and alliances with their members. External rankings: one series
-- per ranking, one entry per year.
CREATE TABLE ai_datasets (
	id INTEGER PRIMARY KEY,
	owner_id INTEGER NOT NULL REFERENCES organisations(id),
	name TEXT NOT NULL,
	domain TEXT NOT NULL,
	samples INTEGER NOT NULL,
	licence TEXT NOT NULL DEFAULT '',
	access TEXT NOT NULL, -- open, on_application, internal
	description TEXT NOT NULL DEFAULT '',
	registered TEXT NOT NULL, -- YYYY-MM-DD
	withdrawn TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (owner_id, name)
);
CREATE TABLE ai_models (
	id INTEGER PRIMARY KEY,
	owner_id INTEGER NOT NULL REFERENCES organisations(id),
	name TEXT NOT NULL,
	base_model TEXT NOT NULL DEFAULT '',
	domain TEXT NOT NULL,
	evaluation TEXT NOT NULL DEFAULT '',
	registered TEXT NOT NULL,
	withdrawn TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (owner_id, name)
);
CREATE TABLE alliance_members (
	alliance_id INTEGER NOT NULL REFERENCES organisations(id),
	member_id INTEGER NOT NULL REFERENCES organisations(id),
	role TEXT NOT NULL DEFAULT '',
	joined TEXT NOT NULL,
	left_on TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (alliance_id, member_id, joined)
);
CREATE TABLE ranking_series (
	id INTEGER PRIMARY KEY,
	key TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	publisher TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL
);
CREATE TABLE ranking_entries (
	series_id INTEGER NOT NULL REFERENCES ranking_series(id),
	year INTEGER NOT NULL,
	rank INTEGER NOT NULL,
	of_total INTEGER NOT NULL DEFAULT 0,
	score REAL,
	published TEXT NOT NULL, -- YYYY-MM-DD
	note TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (series_id, year)
);
