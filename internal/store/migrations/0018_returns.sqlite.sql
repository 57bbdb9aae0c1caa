-- Periodic returns (数据填报): figures other departments and units file as
-- aggregates (graduates staying in the city, talents introduced, 5G base
-- stations by district). A form says what is filed, how often and by when;
-- the units that must file it are listed; each filing is one unit's figures
-- for one period, reviewed by the bureau. Accepted versions are kept with
-- the day they were accepted, so a figure as of any date reads the version
-- in force then, and a correction never rewrites the past.
CREATE TABLE return_forms (
	id INTEGER PRIMARY KEY,
	key TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	period TEXT NOT NULL, -- month, quarter, half, year
	due_days INTEGER NOT NULL,
	remind_days INTEGER NOT NULL,
	by_district BOOLEAN NOT NULL DEFAULT 0,
	source TEXT NOT NULL, -- the form as published (YAML)
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE return_units (
	form_id INTEGER NOT NULL REFERENCES return_forms(id) ON DELETE CASCADE,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	PRIMARY KEY (form_id, organisation_id)
);
CREATE TABLE return_filings (
	id INTEGER PRIMARY KEY,
	form_id INTEGER NOT NULL REFERENCES return_forms(id),
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	period TEXT NOT NULL,     -- 2025-03, 2025Q1, 2025H1, 2025
	period_end TEXT NOT NULL, -- the period's last day, YYYY-MM-DD
	status TEXT NOT NULL,     -- draft, submitted, accepted, returned
	filed_values TEXT NOT NULL, -- JSON: {"field": value} or {"field": {"210102": value}}
	note TEXT NOT NULL DEFAULT '',
	submitted_at TIMESTAMP,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (form_id, organisation_id, period)
);
CREATE INDEX return_filings_form_period ON return_filings(form_id, period_end);
CREATE TABLE return_accepted (
	filing_id INTEGER NOT NULL REFERENCES return_filings(id),
	version INTEGER NOT NULL,
	accepted_on TEXT NOT NULL, -- YYYY-MM-DD, China time
	field TEXT NOT NULL,
	district TEXT NOT NULL DEFAULT '',
	value REAL NOT NULL,
	PRIMARY KEY (filing_id, version, field, district)
);
CREATE INDEX return_accepted_field ON return_accepted(field, accepted_on);
CREATE TABLE return_history (
	id INTEGER PRIMARY KEY,
	filing_id INTEGER NOT NULL REFERENCES return_filings(id),
	version INTEGER NOT NULL,
	action TEXT NOT NULL, -- save, submit, accept, return, reopen
	status TEXT NOT NULL,
	filed_values TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	actor TEXT NOT NULL,
	at TIMESTAMP NOT NULL
);
CREATE INDEX return_history_filing ON return_history(filing_id, id);
