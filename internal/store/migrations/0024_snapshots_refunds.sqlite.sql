-- Snapshots of a record's form at named moves (the application as
-- submitted, the contract as signed, each approved change), so the
-- contract's task indicators can be compared with the application's and
-- changes made since the last approved version counted in rules.
CREATE TABLE project_snapshots (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id),
	name TEXT NOT NULL,
	transition TEXT NOT NULL,
	data TEXT NOT NULL,
	at TIMESTAMP NOT NULL,
	actor TEXT NOT NULL
);
CREATE INDEX project_snapshots_project ON project_snapshots(project_id, name, id);

-- Money a record must return (a project closed with its leftover, a
-- revoked one with all it was paid) and what has come back.
ALTER TABLE projects ADD COLUMN amount_refund_due REAL NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN amount_refunded REAL NOT NULL DEFAULT 0;
