-- Working days for proposal handling: the send-back window and the days of
-- 办前面商 count working days, and China moves them — public holidays off,
-- some weekends worked (调休). Each row is a day that differs from the
-- Monday-to-Friday week: working = false for a holiday on a weekday, true
-- for a weekend worked. The State Council's 2025 schedule ships; a city
-- adds later years (and any local days) as data.
CREATE TABLE proposal_calendar (
	jurisdiction TEXT NOT NULL REFERENCES proposal_rules(jurisdiction),
	day TEXT NOT NULL, -- YYYY-MM-DD
	working BOOLEAN NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (jurisdiction, day)
);
INSERT INTO proposal_calendar (jurisdiction, day, working, name) VALUES
	('default', '2025-01-01', FALSE, '元旦'),
	('default', '2025-01-26', TRUE, '春节调休'),
	('default', '2025-01-28', FALSE, '春节'),
	('default', '2025-01-29', FALSE, '春节'),
	('default', '2025-01-30', FALSE, '春节'),
	('default', '2025-01-31', FALSE, '春节'),
	('default', '2025-02-03', FALSE, '春节'),
	('default', '2025-02-04', FALSE, '春节'),
	('default', '2025-02-08', TRUE, '春节调休'),
	('default', '2025-04-04', FALSE, '清明节'),
	('default', '2025-04-27', TRUE, '劳动节调休'),
	('default', '2025-05-01', FALSE, '劳动节'),
	('default', '2025-05-02', FALSE, '劳动节'),
	('default', '2025-05-05', FALSE, '劳动节'),
	('default', '2025-06-02', FALSE, '端午节'),
	('default', '2025-09-28', TRUE, '国庆节调休'),
	('default', '2025-10-01', FALSE, '国庆节、中秋节'),
	('default', '2025-10-02', FALSE, '国庆节、中秋节'),
	('default', '2025-10-03', FALSE, '国庆节、中秋节'),
	('default', '2025-10-06', FALSE, '国庆节、中秋节'),
	('default', '2025-10-07', FALSE, '国庆节、中秋节'),
	('default', '2025-10-08', FALSE, '国庆节、中秋节'),
	('default', '2025-10-11', TRUE, '国庆节调休');
