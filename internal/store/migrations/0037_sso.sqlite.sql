-- Single sign-on through an OpenID Connect provider (package sso; the
-- accounts' side in package auth, external.go).
--
-- user_identities links a provider's account (issuer + subject, the "sub"
-- claim) to a Xinzhi account: once linked, the link decides who signs in,
-- not the claim that first matched.
CREATE TABLE user_identities (
	issuer TEXT NOT NULL,
	subject TEXT NOT NULL,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at TIMESTAMP NOT NULL,
	last_seen_at TIMESTAMP NOT NULL,
	PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identities_user ON user_identities(user_id);

-- sso_role_maps is the administrator's mapping: a value of the roles claim
-- (a group) from one issuer grants one Xinzhi role. Nothing else grants a
-- role at sign-in; an unmapped value grants nothing.
CREATE TABLE sso_role_maps (
	issuer TEXT NOT NULL,
	claim_value TEXT NOT NULL,
	role TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (issuer, claim_value, role)
);

-- sso_logins holds a sign-in in flight between /signin/sso and the
-- provider's return: the state (hashed), the nonce and the PKCE verifier.
-- In the database, so any app node can take the return; used once.
CREATE TABLE sso_logins (
	state_hash TEXT PRIMARY KEY,
	nonce TEXT NOT NULL,
	verifier TEXT NOT NULL,
	next TEXT NOT NULL DEFAULT '',
	expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sso_logins_expires ON sso_logins(expires_at);

-- A session started by single sign-on keeps the provider's ID token, sent
-- back as id_token_hint when the user signs out.
ALTER TABLE sessions ADD COLUMN id_token TEXT NOT NULL DEFAULT '';
