-- Duplicate-application check: each submitted application's text, kept
-- with its character n-gram fingerprints (hashes chosen by winnowing) so a
-- new one is compared with all of the last years' by index, not by reading
-- them all; and the managers' decisions on flagged ones.
CREATE TABLE text_docs (
	doc_id INTEGER PRIMARY KEY, -- the record
	program TEXT NOT NULL,
	day TEXT NOT NULL, -- submitted, YYYY-MM-DD
	body TEXT NOT NULL,
	prints INTEGER NOT NULL
);
CREATE INDEX text_docs_day ON text_docs(day);
CREATE TABLE text_prints (
	hash INTEGER NOT NULL,
	doc_id INTEGER NOT NULL,
	pos INTEGER NOT NULL -- the n-gram's start, in runes of the normalised text
);
CREATE INDEX text_prints_hash ON text_prints(hash);
CREATE INDEX text_prints_doc ON text_prints(doc_id);
CREATE TABLE duplicate_decisions (
	project_id INTEGER NOT NULL,
	other_id INTEGER NOT NULL,
	score REAL NOT NULL,
	decision TEXT NOT NULL, -- cleared (may go on), upheld (stays blocked)
	note TEXT NOT NULL,
	actor TEXT NOT NULL,
	at TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, other_id)
);
