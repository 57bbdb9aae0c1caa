-- Compute centres' capacity (算力): each row a capacity of one centre (an
-- organisation of kind compute) at one precision, in a status from a date
-- until it is superseded, so figures can be read as of any date.
CREATE TABLE compute_capacity (
	id INTEGER PRIMARY KEY,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	phase TEXT NOT NULL DEFAULT '',
	precision TEXT NOT NULL,
	pflops REAL NOT NULL,
	status TEXT NOT NULL,
	national_network BOOLEAN NOT NULL DEFAULT 0,
	since TEXT NOT NULL,
	until TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX compute_capacity_org ON compute_capacity(organisation_id);
