-- A call's English name, for English pages; empty: the Chinese name shows.
ALTER TABLE calls ADD COLUMN name_en TEXT NOT NULL DEFAULT '';

-- Names sort by pinyin, not by code point: each organisation and person
-- keeps its name's collation key (i18n.SortKey), written with the name, so
-- a list sorted by name pages in SQL. Rows written before (or by other
-- means) get theirs when a list is next sorted by name.
ALTER TABLE organisations ADD COLUMN name_key BLOB;
CREATE INDEX organisations_name_key ON organisations(name_key, id);
ALTER TABLE people ADD COLUMN name_key BLOB;
CREATE INDEX people_name_key ON people(name_key, id);
