-- Expert review, parties, attachments and notifications. SQLite dialect; the
-- PostgreSQL file differs only in identity columns and TIMESTAMPTZ/DOUBLE
-- PRECISION types.

-- A reviewer's account may stand for a person of the registry, whose
-- employment history feeds the conflict-of-interest check.
ALTER TABLE users ADD COLUMN person_id INTEGER REFERENCES people(id);

-- Where a person has worked: ended '' means still there. Dates YYYY-MM-DD.
CREATE TABLE person_employment (
	person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	started TEXT NOT NULL DEFAULT '',
	ended TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (person_id, organisation_id, started)
);
CREATE INDEX person_employment_org ON person_employment(organisation_id);

-- Who else is on a project beside its lead organisation: partner
-- organisations (co-applicants) and people (leader, members).
CREATE TABLE project_parties (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	organisation_id INTEGER REFERENCES organisations(id),
	person_id INTEGER REFERENCES people(id),
	role TEXT NOT NULL
);
CREATE INDEX project_parties_project ON project_parties(project_id);
CREATE INDEX project_parties_org ON project_parties(organisation_id);
CREATE INDEX project_parties_person ON project_parties(person_id);

-- Relations a reviewer declared (亲属、合作、竞争…): never assigned there.
CREATE TABLE reviewer_declarations (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	reason TEXT NOT NULL,
	declared_at TIMESTAMP NOT NULL,
	UNIQUE (user_id, organisation_id)
);

-- Experts an applicant asked to keep away from its project.
CREATE TABLE project_avoid (
	project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id),
	reason TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (project_id, user_id)
);

CREATE TABLE review_assignments (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id),
	round INTEGER NOT NULL DEFAULT 1,
	reviewer_id INTEGER NOT NULL REFERENCES users(id),
	status TEXT NOT NULL DEFAULT 'assigned', -- assigned, submitted, declined
	assigned_at TIMESTAMP NOT NULL,
	assigned_by TEXT NOT NULL,
	override_reason TEXT NOT NULL DEFAULT '',
	declined_reason TEXT NOT NULL DEFAULT '',
	submitted_at TIMESTAMP,
	comment TEXT NOT NULL DEFAULT '',
	total REAL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (project_id, round, reviewer_id)
);
CREATE INDEX review_assignments_reviewer ON review_assignments(reviewer_id, status);

CREATE TABLE review_scores (
	assignment_id INTEGER NOT NULL REFERENCES review_assignments(id) ON DELETE CASCADE,
	criterion TEXT NOT NULL,
	score REAL NOT NULL,
	PRIMARY KEY (assignment_id, criterion)
);

-- Every pairing the assignment left out, with why.
CREATE TABLE review_exclusions (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id),
	round INTEGER NOT NULL,
	reviewer_id INTEGER NOT NULL REFERENCES users(id),
	reason TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	at TIMESTAMP NOT NULL
);
CREATE INDEX review_exclusions_project ON review_exclusions(project_id, round);

-- Files of a project, stored under the data directory by content hash.
CREATE TABLE attachments (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id),
	field TEXT NOT NULL,
	name TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	size INTEGER NOT NULL,
	mime TEXT NOT NULL,
	uploaded_at TIMESTAMP NOT NULL,
	uploaded_by TEXT NOT NULL
);
CREATE INDEX attachments_project ON attachments(project_id);

-- In-app notifications: to one user, or to every user of an organisation.
CREATE TABLE notifications (
	id INTEGER PRIMARY KEY,
	user_id INTEGER REFERENCES users(id),
	organisation_id INTEGER REFERENCES organisations(id),
	project_id INTEGER REFERENCES projects(id),
	kind TEXT NOT NULL,
	args TEXT NOT NULL DEFAULT '[]',
	created_at TIMESTAMP NOT NULL,
	read_at TIMESTAMP
);
CREATE INDEX notifications_user ON notifications(user_id, read_at);
CREATE INDEX notifications_org ON notifications(organisation_id, read_at);
