-- Issued reports: frozen with the figures they printed, the indicator
-- definitions and as-of date behind each, and the ids of the records each
-- figure counted, so that a report can be reopened as issued and compared
-- with a fresh run. Shared by both engines (ids by the engine's own rule
-- come from the .sqlite/.postgres split only where identity is needed; here
-- the id is given by the application: a content hash).

CREATE TABLE reports (
	id TEXT PRIMARY KEY,
	template TEXT NOT NULL,
	title TEXT NOT NULL,
	as_of TEXT NOT NULL,
	issued_at TEXT NOT NULL,
	issued_by TEXT NOT NULL,
	figures TEXT NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX reports_template ON reports(template, as_of);
