-- AI assistance (package assist). assist_calls logs every call to the
-- model: who, for what, which model, the SHA-256 of the prompt as sent
-- (never the prompt: what a user typed may hold personal data), tokens,
-- how it ended and how long it took. assist_usage counts tokens per day
-- (China's day) against XINZHI_AI_DAILY_TOKENS. assist_fields is the
-- administrator's choice of the fields a model may see; a field without a
-- row takes its default (personal fields: not seen). assist_drafts keeps
-- a model's draft until it is accepted (then it is the proposal's draft)
-- or discarded; figures are the indicators it was given, as JSON, placed
-- those the model placed by placeholder (ids, comma-separated).
CREATE TABLE assist_calls (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	at TIMESTAMP NOT NULL,
	user_id INTEGER,
	user_name TEXT NOT NULL DEFAULT '',
	purpose TEXT NOT NULL,
	model TEXT NOT NULL,
	prompt_sha256 TEXT NOT NULL,
	tokens_in INTEGER NOT NULL DEFAULT 0,
	tokens_out INTEGER NOT NULL DEFAULT 0,
	status TEXT NOT NULL,
	duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX assist_calls_at ON assist_calls(at);
CREATE TABLE assist_usage (
	day TEXT PRIMARY KEY,
	tokens INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE assist_fields (
	field TEXT PRIMARY KEY,
	allowed INTEGER NOT NULL,
	changed_at TIMESTAMP NOT NULL,
	changed_by TEXT NOT NULL DEFAULT ''
);
CREATE TABLE assist_drafts (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	purpose TEXT NOT NULL,
	subject_id INTEGER NOT NULL,
	template TEXT NOT NULL DEFAULT '',
	as_of TEXT NOT NULL DEFAULT '',
	model TEXT NOT NULL,
	prompt_sha256 TEXT NOT NULL,
	body TEXT NOT NULL,
	figures TEXT NOT NULL,
	placed TEXT NOT NULL DEFAULT '',
	created_by INTEGER,
	created_by_name TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	state TEXT NOT NULL DEFAULT 'open',
	decided_by_name TEXT NOT NULL DEFAULT '',
	decided_at TIMESTAMP
);
CREATE INDEX assist_drafts_subject ON assist_drafts(purpose, subject_id);
