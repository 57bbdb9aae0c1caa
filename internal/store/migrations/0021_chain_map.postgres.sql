-- The industrial-chain innovation map (产业链创新发展图谱): who works at each
-- link of a chain (enterprises, universities, institutes), which of them
-- lead the chain (链主); how a key technology is held back (the "325"
-- model's two dimensions and the choke point 整机/部件/附件); and which
-- records (tackling projects, challenges …) address a technology, by which
-- of the five ways. A record is linked by id rather than by a form field
-- naming the technology: the link survives renaming the technology, links
-- records filed before the map existed, and needs no new template version.
-- PostgreSQL dialect; the SQLite file differs only in types.

CREATE TABLE chain_members (
	link_id BIGINT NOT NULL REFERENCES chain_links(id) ON DELETE CASCADE,
	organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	leader BOOLEAN NOT NULL DEFAULT FALSE,
	PRIMARY KEY (link_id, organisation_id)
);
CREATE INDEX chain_members_organisation ON chain_members(organisation_id);

ALTER TABLE key_technologies ADD COLUMN dimension TEXT NOT NULL DEFAULT ''; -- 关键技术受制于人, 进口产品国产替代
ALTER TABLE key_technologies ADD COLUMN choke TEXT NOT NULL DEFAULT ''; -- 整机, 部件, 附件

CREATE TABLE key_technology_records (
	technology_id BIGINT NOT NULL REFERENCES key_technologies(id) ON DELETE CASCADE,
	project_id BIGINT NOT NULL REFERENCES projects(id),
	way TEXT NOT NULL, -- one of the five ways of the 325 model
	PRIMARY KEY (technology_id, project_id)
);
CREATE INDEX key_technology_records_project ON key_technology_records(project_id);
