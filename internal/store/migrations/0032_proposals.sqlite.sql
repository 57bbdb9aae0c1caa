-- Proposal handling (提案/建议办理): CPPCC proposals and people's-congress
-- suggestions registered, assigned (交办) to a lead unit and co-units (units
-- are registry organisations of kind government; a staff account belongs
-- to the unit its users.org_id names), with the contact log, extensions,
-- the reply drafted from a report template and issued as a frozen report,
-- and the member's ratings. The numbers differ by city, so they are data:
-- proposal_rules holds them per jurisdiction ('default' unless a proposal
-- names another).
CREATE TABLE proposal_rules (
	jurisdiction TEXT PRIMARY KEY,
	send_back_days INTEGER NOT NULL DEFAULT 5, -- working days after 交办 in which a unit may send a proposal back
	contact_days INTEGER NOT NULL DEFAULT 15, -- working days after 交办 for 办前面商
	reply_months INTEGER NOT NULL DEFAULT 3,
	max_extension_months INTEGER NOT NULL DEFAULT 6, -- the latest reply, counted from 交办
	rehandle_months INTEGER NOT NULL DEFAULT 1, -- re-handling after 不满意
	classes TEXT NOT NULL -- JSON [{"key","name","name_en"}], in order
);
INSERT INTO proposal_rules (jurisdiction, classes) VALUES ('default',
	'[{"key":"A","name":"所提问题已经解决或基本解决","name_en":"Solved or mostly solved"},{"key":"B","name":"列入计划拟解决","name_en":"In plan to be solved"},{"key":"C","name":"留作参考","name_en":"Kept for reference"}]');

CREATE TABLE proposals (
	id INTEGER PRIMARY KEY,
	jurisdiction TEXT NOT NULL DEFAULT 'default' REFERENCES proposal_rules(jurisdiction),
	number TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL, -- cppcc (政协提案), npc (人大建议)
	member TEXT NOT NULL,
	member_contact TEXT NOT NULL DEFAULT '', -- sealed (personal data); never published
	cosigners TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	received_on TEXT NOT NULL,
	state TEXT NOT NULL,
	round INTEGER NOT NULL DEFAULT 1, -- 2 and more: re-handled after 不满意
	assigned_on TEXT NOT NULL DEFAULT '',
	due_on TEXT NOT NULL DEFAULT '', -- the deadline in force (extended when approved)
	first_due_on TEXT NOT NULL DEFAULT '', -- the deadline of the first round, for the on-time rate
	first_replied_on TEXT NOT NULL DEFAULT '',
	replied_on TEXT NOT NULL DEFAULT '',
	class TEXT NOT NULL DEFAULT '',
	reply_template TEXT NOT NULL DEFAULT '',
	reply_as_of TEXT NOT NULL DEFAULT '',
	reply_body TEXT NOT NULL DEFAULT '',
	reply_figures TEXT NOT NULL DEFAULT '{}',
	drafted_by INTEGER REFERENCES users(id),
	drafted_by_name TEXT NOT NULL DEFAULT '',
	reviewed_by_name TEXT NOT NULL DEFAULT '',
	signed_by INTEGER REFERENCES users(id),
	signed_by_name TEXT NOT NULL DEFAULT '',
	report_id TEXT REFERENCES reports(id),
	rating_handling TEXT NOT NULL DEFAULT '',
	rating_result TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX proposals_state ON proposals(state, due_on);
CREATE INDEX proposals_assigned ON proposals(assigned_on);

-- The units a proposal was assigned to, kept when one sends it back.
CREATE TABLE proposal_units (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	unit_id INTEGER NOT NULL REFERENCES organisations(id),
	role TEXT NOT NULL, -- lead, co
	assigned_on TEXT NOT NULL,
	status TEXT NOT NULL, -- assigned, sent_back, countersigned
	day TEXT NOT NULL DEFAULT '', -- of the send-back or the countersignature
	by_name TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '' -- the reason sent back, or the co-unit's opinion
);
CREATE INDEX proposal_units_proposal ON proposal_units(proposal_id);
CREATE INDEX proposal_units_unit ON proposal_units(unit_id, role, status);

-- Contacts with the member: 办前面商, progress, feedback.
CREATE TABLE proposal_contacts (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	unit_id INTEGER NOT NULL REFERENCES organisations(id),
	day TEXT NOT NULL,
	kind TEXT NOT NULL, -- pre, progress, feedback
	way TEXT NOT NULL, -- meeting, phone, visit, letter
	note TEXT NOT NULL DEFAULT '',
	by_name TEXT NOT NULL
);
CREATE INDEX proposal_contacts_proposal ON proposal_contacts(proposal_id);

CREATE TABLE proposal_extensions (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	requested_on TEXT NOT NULL,
	requested_by TEXT NOT NULL,
	due_on TEXT NOT NULL, -- the deadline asked for
	reason TEXT NOT NULL,
	status TEXT NOT NULL, -- pending, approved, refused
	decided_on TEXT NOT NULL DEFAULT '',
	decided_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX proposal_extensions_proposal ON proposal_extensions(proposal_id);

-- The member's ratings, one pair per round.
CREATE TABLE proposal_ratings (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	round INTEGER NOT NULL,
	day TEXT NOT NULL,
	handling TEXT NOT NULL, -- satisfied, mostly, dissatisfied
	result TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	UNIQUE (proposal_id, round)
);

-- Every move, in order: the proposal's whole flow.
CREATE TABLE proposal_events (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	day TEXT NOT NULL,
	action TEXT NOT NULL,
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	actor_name TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX proposal_events_proposal ON proposal_events(proposal_id, id);
