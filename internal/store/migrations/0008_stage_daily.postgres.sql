-- A daily summary of stage history, kept in the same transaction as every
-- stage event (internal/program), so that counts over millions of events
-- read a few thousand rows: per program, stage and China-time day, how many
-- records first reached the stage, entered it and left it. A metric test
-- recomputes it from project_events after random changes and finds it equal.
-- PostgreSQL dialect: the SQLite file differs in its date conversion.

CREATE TABLE stage_daily (
	program TEXT NOT NULL,
	stage TEXT NOT NULL,
	day TEXT NOT NULL,
	first_reached INTEGER NOT NULL DEFAULT 0,
	entered INTEGER NOT NULL DEFAULT 0,
	exited INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (program, stage, day)
);

INSERT INTO stage_daily (program, stage, day, first_reached, entered, exited)
SELECT program, stage, day, sum(first_reached), sum(entered), sum(exited) FROM (
	SELECT t.key AS program, e.to_stage AS stage, to_char(e.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day,
		CASE WHEN row_number() OVER (PARTITION BY e.project_id, e.to_stage ORDER BY e.id) = 1 THEN 1 ELSE 0 END AS first_reached,
		1 AS entered, 0 AS exited
	FROM project_events e JOIN projects p ON p.id = e.project_id JOIN program_templates t ON t.id = p.template_id
	UNION ALL
	SELECT t.key, e.from_stage, to_char(e.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 0, 0, 1
	FROM project_events e JOIN projects p ON p.id = e.project_id JOIN program_templates t ON t.id = p.template_id
	WHERE e.from_stage <> ''
) x GROUP BY program, stage, day;
