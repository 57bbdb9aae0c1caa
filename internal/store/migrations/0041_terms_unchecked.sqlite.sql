-- The search index (organisation_terms) is derived data: written only with
-- its organisation (package registry, in the same transaction), read only
-- joined to organisations, and organisations are never deleted. Its foreign
-- key guarded nothing the code does, yet was checked row by row: about
-- 15 % of the CPU of a 100,000-row import on SQLite, and on PostgreSQL
-- most of the cost of writing the terms (issue 21). SQLite cannot drop a
-- foreign key, so the table is rebuilt with the same key and index.
CREATE TABLE organisation_terms_unchecked (
	term TEXT NOT NULL,
	organisation_id INTEGER NOT NULL,
	PRIMARY KEY (term, organisation_id)
);
INSERT INTO organisation_terms_unchecked (term, organisation_id)
	SELECT term, organisation_id FROM organisation_terms ORDER BY term, organisation_id;
DROP TABLE organisation_terms;
ALTER TABLE organisation_terms_unchecked RENAME TO organisation_terms;
CREATE INDEX organisation_terms_org ON organisation_terms(organisation_id);
