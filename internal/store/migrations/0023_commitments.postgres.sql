-- Commitments (承诺书): the unit and the project leader confirm the
-- program's commitment text before submission; who, when and which version
-- of the text are kept with the record.
CREATE TABLE project_commitments (
	project_id BIGINT NOT NULL REFERENCES projects(id),
	role TEXT NOT NULL, -- unit, leader
	version TEXT NOT NULL, -- the commitment text's version
	text_hash TEXT NOT NULL, -- sha256 of the text confirmed
	user_id BIGINT NOT NULL,
	actor TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (project_id, role, version)
);
