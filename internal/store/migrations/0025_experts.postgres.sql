-- The expert pool (科研项目评审专家库): the technology fields each expert
-- reviews in, a manager's rating of each submitted review, and experts
-- removed from the pool (a reinstatement deletes the row; both are audited).
CREATE TABLE expert_fields (
	user_id BIGINT NOT NULL REFERENCES users(id),
	field TEXT NOT NULL,
	PRIMARY KEY (user_id, field)
);
CREATE INDEX expert_fields_field ON expert_fields(field);

CREATE TABLE expert_ratings (
	assignment_id BIGINT PRIMARY KEY REFERENCES review_assignments(id),
	rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5), -- timeliness and quality, 1 (poor) to 5 (excellent)
	note TEXT NOT NULL DEFAULT '',
	rated_by TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL
);

CREATE TABLE expert_removals (
	user_id BIGINT PRIMARY KEY REFERENCES users(id),
	reason TEXT NOT NULL,
	removed_by TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL
);
