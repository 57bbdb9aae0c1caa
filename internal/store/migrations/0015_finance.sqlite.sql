-- Science finance: financial products institutions publish, with who may
-- use them (stages, sizes, amounts, collateral) and the days they promise to
-- decide in (the green channel); enterprises' funding needs sent to a product
-- and the institution's decision; government funds and their investments.
CREATE TABLE finance_products (
	id INTEGER PRIMARY KEY,
	institution_id INTEGER NOT NULL REFERENCES organisations(id),
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	stages TEXT NOT NULL DEFAULT '',
	sizes TEXT NOT NULL DEFAULT '',
	tags TEXT NOT NULL DEFAULT '',
	amount_min REAL NOT NULL DEFAULT 0,
	amount_max REAL NOT NULL DEFAULT 0,
	collateral TEXT NOT NULL DEFAULT '',
	rate REAL NOT NULL DEFAULT 0,
	promised_days INTEGER NOT NULL DEFAULT 0,
	listed TEXT NOT NULL,
	delisted TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX finance_products_institution ON finance_products(institution_id);
CREATE INDEX finance_products_kind ON finance_products(kind, listed);

CREATE TABLE finance_applications (
	id INTEGER PRIMARY KEY,
	need_id INTEGER NOT NULL REFERENCES projects(id),
	product_id INTEGER NOT NULL REFERENCES finance_products(id),
	institution_id INTEGER NOT NULL REFERENCES organisations(id),
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	stage TEXT NOT NULL,
	amount_requested REAL NOT NULL,
	sent_on TEXT NOT NULL,
	decision TEXT NOT NULL DEFAULT 'pending',
	amount_approved REAL NOT NULL DEFAULT 0,
	decided_on TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	docking_id INTEGER REFERENCES projects(id),
	created_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (need_id, product_id)
);
CREATE INDEX finance_applications_institution ON finance_applications(institution_id, sent_on);

CREATE TABLE funds (
	id INTEGER PRIMARY KEY,
	manager_id INTEGER NOT NULL REFERENCES organisations(id),
	kind TEXT NOT NULL,
	name TEXT NOT NULL UNIQUE,
	size REAL NOT NULL DEFAULT 0,
	founded TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);

CREATE TABLE fund_investments (
	id INTEGER PRIMARY KEY,
	fund_id INTEGER NOT NULL REFERENCES funds(id),
	investee_id INTEGER NOT NULL REFERENCES organisations(id),
	stage TEXT NOT NULL,
	amount REAL NOT NULL,
	invested_on TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX fund_investments_fund ON fund_investments(fund_id, invested_on);

-- A grant leg of a 拨投结合 case converted to equity at the first market
-- round: the round's terms and what the public money became.
CREATE TABLE finance_conversions (
	id INTEGER PRIMARY KEY,
	leg_id INTEGER NOT NULL UNIQUE REFERENCES projects(id),
	round_date TEXT NOT NULL,
	pre_money REAL NOT NULL,
	price REAL NOT NULL,
	new_money REAL NOT NULL,
	discount REAL NOT NULL,
	conversion_price REAL NOT NULL,
	amount REAL NOT NULL,
	shares REAL NOT NULL,
	stake REAL NOT NULL,
	created_at TIMESTAMP NOT NULL
);
