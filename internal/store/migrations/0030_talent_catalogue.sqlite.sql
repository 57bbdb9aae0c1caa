-- Talent categories as data (人才分类目录): a city's catalogue in versions
-- (兴沈英才计划 2022版), each version with its classes (A 顶尖 … D 拔尖 in
-- Shenyang; other cities have others) and items under a class; a talent
-- certification (人才认定) rests on one item of one version.
CREATE TABLE talent_catalogues (
	id INTEGER PRIMARY KEY,
	key TEXT NOT NULL UNIQUE,             -- xingshen-2022
	name TEXT NOT NULL,                   -- 兴沈英才计划
	name_en TEXT NOT NULL DEFAULT '',
	version TEXT NOT NULL,                -- 2022版
	version_en TEXT NOT NULL DEFAULT '',
	jurisdiction TEXT NOT NULL DEFAULT '', -- division code, 210100
	effective_from TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
	created_at TIMESTAMP NOT NULL,
	UNIQUE (name, version)
);

CREATE TABLE talent_classes (
	catalogue_id INTEGER NOT NULL REFERENCES talent_catalogues(id),
	key TEXT NOT NULL,                    -- A
	name TEXT NOT NULL,                   -- 顶尖人才
	name_en TEXT NOT NULL DEFAULT '',
	sort INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (catalogue_id, key)
);

CREATE TABLE talent_catalogue_items (
	id INTEGER PRIMARY KEY,
	catalogue_id INTEGER NOT NULL,
	class_key TEXT NOT NULL,
	code TEXT NOT NULL,                   -- C3
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	sort INTEGER NOT NULL DEFAULT 0,
	UNIQUE (catalogue_id, code),
	FOREIGN KEY (catalogue_id, class_key) REFERENCES talent_classes(catalogue_id, key)
);
CREATE INDEX talent_catalogue_items_class ON talent_catalogue_items(catalogue_id, class_key);

-- The item a certification rests on (one a record).
CREATE TABLE talent_recognitions (
	project_id INTEGER PRIMARY KEY REFERENCES projects(id),
	item_id INTEGER NOT NULL REFERENCES talent_catalogue_items(id),
	set_by TEXT NOT NULL DEFAULT '',
	set_at TIMESTAMP NOT NULL
);
CREATE INDEX talent_recognitions_item ON talent_recognitions(item_id);
