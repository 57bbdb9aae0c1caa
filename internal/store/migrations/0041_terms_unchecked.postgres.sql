-- The search index (organisation_terms) is derived data: written only with
-- its organisation (package registry, in the same transaction), read only
-- joined to organisations, and organisations are never deleted. Its foreign
-- key guarded nothing the code does, yet PostgreSQL checked it row by row
-- with a trigger: about 70 % of writing the terms of a 100,000-row import
-- (issue 21). The index stays rebuildable from the organisations.
ALTER TABLE organisation_terms DROP CONSTRAINT IF EXISTS organisation_terms_organisation_id_fkey;
