-- Background jobs run once across app nodes (package jobs). A node runs a
-- job only after taking its lease: one UPDATE that succeeds only when the
-- job is due and no other node holds an unexpired lease. The holder renews
-- the lease while it works; a node that dies stops renewing, and another
-- takes the job over when the lease runs out. job_runs keeps every run.
CREATE TABLE jobs (
	name TEXT PRIMARY KEY,
	holder TEXT,
	lease_until TIMESTAMP,
	next_run_at TIMESTAMP NOT NULL,
	runs INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE job_runs (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name TEXT NOT NULL,
	holder TEXT NOT NULL,
	started_at TIMESTAMP NOT NULL,
	finished_at TIMESTAMP,
	done INTEGER NOT NULL DEFAULT 0,
	error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_name ON job_runs(name, started_at);

-- A notice sent once whatever runs it: reminders carry a key (kind,
-- organisation, what is due) that no second notice may repeat.
ALTER TABLE notifications ADD COLUMN once_key TEXT;
CREATE UNIQUE INDEX notifications_once ON notifications(once_key);

-- The mail outbox: a node claims a notice before e-mailing it (another
-- node skips it until the claim runs out), and each recipient's message is
-- recorded as it is sent, so a notice retried after a crash is not sent
-- again to those who had it.
ALTER TABLE notifications ADD COLUMN email_claim TEXT;
ALTER TABLE notifications ADD COLUMN email_claim_until TIMESTAMP;
CREATE TABLE notification_emails (
	notification_id INTEGER NOT NULL REFERENCES notifications(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	sent_at TIMESTAMP NOT NULL,
	holder TEXT NOT NULL,
	PRIMARY KEY (notification_id, user_id)
);
