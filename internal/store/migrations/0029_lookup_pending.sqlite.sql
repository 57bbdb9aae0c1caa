-- Pickers look organisations and people up as one types: a prefix of the
-- name (or the credit code) is one range of the binary-collated indexes
-- organisations_name, people_name and the credit code's unique index, so
-- SQLite needs no new index.

-- A file sent with a form that came back with errors, kept for the user
-- who sent it to re-use on the next submission (the content lives with the
-- attachments, under its hash).
CREATE TABLE pending_uploads (
	id INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: a stale form cannot name a newer file
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	field TEXT NOT NULL,
	name TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	size INTEGER NOT NULL,
	mime TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX pending_uploads_user ON pending_uploads(user_id);
CREATE INDEX pending_uploads_created ON pending_uploads(created_at);
-- A content is removed when neither an attachment nor a pending file uses it.
CREATE INDEX attachments_sha256 ON attachments(sha256);
CREATE INDEX pending_uploads_sha256 ON pending_uploads(sha256);
