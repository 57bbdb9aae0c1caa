-- Registry imports between preview and commit, and while they commit: kept
-- in the database so that any app node shows a job's progress and commits
-- it. The uploaded file is kept (the plan is made again from it on commit)
-- for a day. The node committing holds a lease it renews; if it dies, the
-- commit's one transaction is rolled back and, once the lease has run out,
-- the job shows as interrupted and may be committed again.
CREATE TABLE import_jobs (
	id TEXT PRIMARY KEY,
	owner_id INTEGER NOT NULL REFERENCES users(id),
	kind TEXT NOT NULL,
	file_name TEXT NOT NULL,
	file BLOB NOT NULL,
	state TEXT NOT NULL,
	done INTEGER NOT NULL DEFAULT 0,
	total INTEGER NOT NULL DEFAULT 0,
	summary TEXT NOT NULL DEFAULT '',
	error TEXT NOT NULL DEFAULT '',
	holder TEXT,
	lease_until TIMESTAMP,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX import_jobs_created ON import_jobs(created_at);
