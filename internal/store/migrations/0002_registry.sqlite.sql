-- Registry: organisation profiles, tags, clusters, yearly figures, people
-- (personal data sealed, see internal/seal), universities' disciplines and
-- majors, chains with links and key technologies, recognitions, and the
-- inverted index for Chinese full-text search. SQLite dialect; the
-- PostgreSQL file differs only in identity columns and BOOLEAN/TIMESTAMPTZ/
-- DOUBLE PRECISION types. Dates without a time are TEXT 'YYYY-MM-DD' on both
-- engines, so they compare and sort the same way.

ALTER TABLE organisations ADD COLUMN former_names TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN district TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN founded TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN size TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN parent_id INTEGER REFERENCES organisations(id);
CREATE INDEX organisations_kind ON organisations(kind);
CREATE INDEX organisations_district ON organisations(district);
CREATE INDEX organisations_name ON organisations(name);

CREATE TABLE tags (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	name_en TEXT NOT NULL DEFAULT '',
	sort INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE organisation_tags (
	organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	tag_id INTEGER NOT NULL REFERENCES tags(id),
	PRIMARY KEY (organisation_id, tag_id)
);
CREATE INDEX organisation_tags_tag ON organisation_tags(tag_id);

CREATE TABLE clusters (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	name_en TEXT NOT NULL DEFAULT '',
	sort INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE organisation_clusters (
	organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	cluster_id INTEGER NOT NULL REFERENCES clusters(id),
	PRIMARY KEY (organisation_id, cluster_id)
);
CREATE INDEX organisation_clusters_cluster ON organisation_clusters(cluster_id);

CREATE TABLE figure_kinds (
	key TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	unit TEXT NOT NULL DEFAULT '',
	sort INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE organisation_figures (
	organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	year INTEGER NOT NULL,
	kind TEXT NOT NULL REFERENCES figure_kinds(key),
	value REAL NOT NULL,
	source TEXT NOT NULL DEFAULT '',
	updated_at TIMESTAMP NOT NULL,
	PRIMARY KEY (organisation_id, year, kind)
);
CREATE INDEX organisation_figures_kind_year ON organisation_figures(kind, year);

-- Inverted index: the terms of each organisation's names and description.
CREATE TABLE organisation_terms (
	term TEXT NOT NULL,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	PRIMARY KEY (term, organisation_id)
);
CREATE INDEX organisation_terms_org ON organisation_terms(organisation_id);

CREATE TABLE talent_levels (
	key TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	sort INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE people (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	id_number_sealed TEXT NOT NULL DEFAULT '',
	id_number_index TEXT UNIQUE,
	gender TEXT NOT NULL DEFAULT '',
	birth_year INTEGER,
	phone_sealed TEXT NOT NULL DEFAULT '',
	email_sealed TEXT NOT NULL DEFAULT '',
	organisation_id INTEGER REFERENCES organisations(id),
	degree TEXT NOT NULL DEFAULT '',
	field TEXT NOT NULL DEFAULT '',
	talent_level TEXT REFERENCES talent_levels(key),
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX people_organisation ON people(organisation_id);
CREATE INDEX people_name ON people(name);

CREATE TABLE disciplines (
	id INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	kind TEXT NOT NULL, -- discipline (学科) or major (专业)
	code TEXT NOT NULL DEFAULT '',
	name TEXT NOT NULL,
	opened INTEGER,
	tags TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (organisation_id, kind, name)
);

CREATE TABLE chains (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	name_en TEXT NOT NULL DEFAULT '',
	cluster_id INTEGER REFERENCES clusters(id)
);
CREATE TABLE chain_links (
	id INTEGER PRIMARY KEY,
	chain_id INTEGER NOT NULL REFERENCES chains(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	stage TEXT NOT NULL, -- upstream, midstream, downstream
	sort INTEGER NOT NULL DEFAULT 0,
	UNIQUE (chain_id, name)
);
CREATE TABLE key_technologies (
	id INTEGER PRIMARY KEY,
	chain_id INTEGER NOT NULL REFERENCES chains(id) ON DELETE CASCADE,
	link_id INTEGER REFERENCES chain_links(id),
	name TEXT NOT NULL,
	field TEXT NOT NULL DEFAULT '',
	bottleneck BOOLEAN NOT NULL DEFAULT 0,
	UNIQUE (chain_id, name)
);

CREATE TABLE recognition_kinds (
	key TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL, -- organisation, person, discipline, major
	levels TEXT NOT NULL DEFAULT '' -- allowed levels, separated by '|'; empty: any
);
CREATE TABLE recognitions (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL REFERENCES recognition_kinds(key),
	level TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL,
	subject_id INTEGER NOT NULL,
	authority TEXT NOT NULL DEFAULT '',
	granted TEXT NOT NULL,
	revoked TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (kind, subject, subject_id, granted)
);
CREATE INDEX recognitions_subject ON recognitions(subject, subject_id);
CREATE INDEX recognitions_kind ON recognitions(kind, granted);
