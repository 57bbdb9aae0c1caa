-- SME digital transformation: service providers are organisations holding
-- the recognition digital_provider (admitted to the city's catalogue); their
-- 小快轻准 products and solutions, with the business scenes each serves.
INSERT INTO recognition_kinds (key, name, name_en, subject, levels) VALUES
('digital_provider', '中小企业数字化转型服务商', 'SME digital-transformation service provider', 'organisation', '市级|省级|国家级');

CREATE TABLE digital_solutions (
	id INTEGER PRIMARY KEY,
	provider_id INTEGER NOT NULL REFERENCES organisations(id),
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	scenes TEXT NOT NULL,
	price REAL NOT NULL DEFAULT 0,
	deploy TEXT NOT NULL DEFAULT '',
	listed TEXT NOT NULL,
	delisted TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX digital_solutions_provider ON digital_solutions(provider_id);
CREATE INDEX digital_solutions_listed ON digital_solutions(listed);
