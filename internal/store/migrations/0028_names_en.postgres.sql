-- A call's English name, for English pages; empty: the Chinese name shows.
ALTER TABLE calls ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
